package io.s3dlio.npz.spark;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/** Column pruning: arrays whose columns are not needed are never fetched; shape/dtype need only headers. */
final class NpzScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final ReadConf conf;
  private final StructType fullSchema;
  private StructType required;

  NpzScanBuilder(ReadConf conf, StructType fullSchema) {
    this.conf = conf;
    this.fullSchema = fullSchema;
    this.required = fullSchema;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Scan build() {
    return new NpzScan(conf, fullSchema, required);
  }
}
