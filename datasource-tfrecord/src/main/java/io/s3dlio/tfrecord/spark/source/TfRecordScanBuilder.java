package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordOptions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.datasources.v2.FileScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Spark's {@link FileScanBuilder}: takes the columns the query needs (only those are decoded)
 * and splits the filters into partition filters (used to prune partition folders) and data
 * filters (not pushed: Spark applies them after the scan).
 */
final class TfRecordScanBuilder extends FileScanBuilder {
  private final SparkSession sparkSession;
  private final PartitioningAwareFileIndex fileIndex;
  private final StructType dataSchema;
  private final CaseInsensitiveStringMap options;
  private final TfRecordOptions parsed;

  TfRecordScanBuilder(SparkSession sparkSession, PartitioningAwareFileIndex fileIndex, StructType dataSchema,
      CaseInsensitiveStringMap options, TfRecordOptions parsed) {
    super(sparkSession, fileIndex, dataSchema);
    this.sparkSession = sparkSession;
    this.fileIndex = fileIndex;
    this.dataSchema = dataSchema;
    this.options = options;
    this.parsed = parsed;
  }

  @Override
  public Scan build() {
    return new TfRecordScan(sparkSession, fileIndex, dataSchema, readDataSchema(), readPartitionSchema(), options,
        parsed, partitionFilters(), dataFilters());
  }
}
