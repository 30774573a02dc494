package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * TFRecord files under one or more paths. Reads through DSv2 ({@link TfRecordScanBuilder});
 * writes through a V1 write ({@code V1_BATCH_WRITE}: the write job handles partitioning, file
 * rolling and the commit itself, see {@link TfRecordWriteJob}), which is also what lets
 * DataFrameWriter offer every SaveMode.
 */
public final class TfRecordTable implements SupportsRead, SupportsWrite {
  private final List<String> paths;
  private final StructType dataAndPartitionSchema;
  private final Map<String, String> options;
  private StructType partitionSchema;

  public TfRecordTable(List<String> paths, StructType schema, Map<String, String> options) {
    this.paths = paths;
    this.options = options;
    StructType parts = discoverPartitions();
    StructType s = schema;
    for (StructField f : parts.fields()) {
      if (s.getFieldIndex(f.name()).isEmpty()) {
        s = s.add(f);
      }
    }
    this.dataAndPartitionSchema = s;
    List<StructField> ps = new ArrayList<>();
    for (StructField f : parts.fields()) {
      ps.add(s.apply(f.name()));
    }
    this.partitionSchema = new StructType(ps.toArray(new StructField[0]));
  }

  private StructType discoverPartitions() {
    try {
      TfRecordReadConf conf = TfRecordReadConf.parse(options, 0);
      return FileListing.list(SparkSession.active().sparkContext().hadoopConfiguration(), paths, conf.indexSuffix())
          .partitionSchema();
    } catch (FileNotFoundException e) {
      return new StructType();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  List<String> paths() {
    return paths;
  }

  StructType partitionSchema() {
    return partitionSchema;
  }

  @Override
  public String name() {
    return "tfrecord " + paths;
  }

  @Override
  public StructType schema() {
    return dataAndPartitionSchema;
  }

  @Override
  public Transform[] partitioning() {
    Transform[] t = new Transform[partitionSchema.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = Expressions.identity(partitionSchema.fields()[i].name());
    }
    return t;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ, TableCapability.V1_BATCH_WRITE, TableCapability.TRUNCATE);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    Map<String, String> all = new HashMap<>(options);
    all.putAll(scanOptions.asCaseSensitiveMap());
    return new TfRecordScanBuilder(this, TfRecordReadConf.parse(all, sessionMaxPartitionBytes()));
  }

  static long sessionMaxPartitionBytes() {
    String v = SparkSession.active().conf().get("spark.sql.files.maxPartitionBytes", "128m");
    return JavaUtils.byteStringAsBytes(v);
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    Map<String, String> all = new HashMap<>(options);
    all.putAll(info.options().asCaseSensitiveMap());
    List<String> partCols = new ArrayList<>();
    for (StructField f : partitionSchema.fields()) {
      partCols.add(f.name());
    }
    if (paths.size() != 1) {
      throw new IllegalArgumentException("Cannot write to " + paths + ": a TFRecord table is written to one path");
    }
    return new TfRecordWriteBuilder(paths.get(0), all, partCols);
  }
}
