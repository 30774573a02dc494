package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/** A TFRecord scan of the pruned columns: data columns, then partition columns. */
final class TfRecordScan implements Scan {
  private final TfRecordTable table;
  private final TfRecordReadConf conf;
  private final StructType dataSchema;
  private final StructType partitionSchema;

  TfRecordScan(TfRecordTable table, TfRecordReadConf conf, StructType dataSchema, StructType partitionSchema) {
    this.table = table;
    this.conf = conf;
    this.dataSchema = dataSchema;
    this.partitionSchema = partitionSchema;
  }

  @Override
  public StructType readSchema() {
    return dataSchema.merge(partitionSchema, true);
  }

  @Override
  public String description() {
    return "TFRecordScan " + table.paths() + " recordType=" + conf.recordType().optionValue() + " columns="
        + dataSchema.simpleString();
  }

  @Override
  public Batch toBatch() {
    return new TfRecordBatch(table, conf, dataSchema, partitionSchema);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return TfRecordMetrics.all();
  }
}
