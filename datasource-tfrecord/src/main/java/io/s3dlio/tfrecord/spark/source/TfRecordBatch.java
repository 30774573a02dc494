package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Lists the files and plans the input partitions (on the driver). */
final class TfRecordBatch implements Batch {
  private final TfRecordTable table;
  private final TfRecordReadConf conf;
  private final StructType dataSchema;
  private final StructType partitionSchema;

  TfRecordBatch(TfRecordTable table, TfRecordReadConf conf, StructType dataSchema, StructType partitionSchema) {
    this.table = table;
    this.conf = conf;
    this.dataSchema = dataSchema;
    this.partitionSchema = partitionSchema;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    try {
      Configuration hadoop = SparkSession.active().sparkContext().hadoopConfiguration();
      FileListing listing = FileListing.list(hadoop, table.paths(), conf.indexSuffix());
      List<TfRecordInputPartition> parts = SplitPlanner.plan(hadoop, listing, conf, partitionSchema,
          SparkSession.active().sparkContext().defaultParallelism());
      return parts.toArray(new InputPartition[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    SparkSession spark = SparkSession.active();
    return new TfRecordReaderFactory(conf, JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConf(spark.sparkContext().hadoopConfiguration())), dataSchema, partitionSchema);
  }
}
