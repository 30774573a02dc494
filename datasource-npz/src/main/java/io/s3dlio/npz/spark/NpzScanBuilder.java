package io.s3dlio.npz.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.datasources.v2.FileScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Spark's {@link FileScanBuilder} does the pushdown: column pruning (arrays whose columns are not
 * needed are never fetched) and partition filters (pruned folders are never listed into the scan).
 */
final class NpzScanBuilder extends FileScanBuilder {
  private final SparkSession session;
  private final PartitioningAwareFileIndex index;
  private final StructType dataSchema;
  private final CaseInsensitiveStringMap options;
  private final NpzOptions parsed;

  NpzScanBuilder(SparkSession session, PartitioningAwareFileIndex index, StructType dataSchema,
      CaseInsensitiveStringMap options, NpzOptions parsed) {
    super(session, index, dataSchema);
    this.session = session;
    this.index = index;
    this.dataSchema = dataSchema;
    this.options = options;
    this.parsed = parsed;
  }

  @Override
  public Scan build() {
    return new NpzScan(session, index, dataSchema, readDataSchema(), readPartitionSchema(), options, parsed,
        partitionFilters(), dataFilters());
  }
}
