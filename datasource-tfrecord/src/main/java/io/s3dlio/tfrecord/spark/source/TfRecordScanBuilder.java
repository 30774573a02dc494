package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Takes the columns the query needs: only those are decoded. */
final class TfRecordScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final TfRecordTable table;
  private final TfRecordReadConf conf;
  private StructType required;

  TfRecordScanBuilder(TfRecordTable table, TfRecordReadConf conf) {
    this.table = table;
    this.conf = conf;
    this.required = table.schema();
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Scan build() {
    Set<String> partCols = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (StructField f : table.partitionSchema().fields()) {
      partCols.add(f.name());
    }
    List<StructField> data = new ArrayList<>();
    List<StructField> part = new ArrayList<>();
    for (StructField f : required.fields()) {
      (partCols.contains(f.name()) ? part : data).add(f);
    }
    return new TfRecordScan(table, conf, new StructType(data.toArray(new StructField[0])),
        new StructType(part.toArray(new StructField[0])));
  }
}
