package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Sent to executors: the resolved read conf, the pruned schemas and the broadcast Hadoop conf. */
final class TfRecordReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;
  private final TfRecordReadConf conf;
  private final Broadcast<SerializableConf> hadoop;
  private final StructType dataSchema;
  private final StructType partitionSchema;

  TfRecordReaderFactory(TfRecordReadConf conf, Broadcast<SerializableConf> hadoop, StructType dataSchema,
      StructType partitionSchema) {
    this.conf = conf;
    this.hadoop = hadoop;
    this.dataSchema = dataSchema;
    this.partitionSchema = partitionSchema;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    try {
      return new TfRecordPartitionReader(hadoop.value().get(), (TfRecordInputPartition) partition, conf, dataSchema,
          partitionSchema);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
