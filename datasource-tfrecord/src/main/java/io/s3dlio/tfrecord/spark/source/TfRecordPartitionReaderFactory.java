package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordOptions;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.FileSourceOptions;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.datasources.v2.FilePartitionReader;
import org.apache.spark.sql.execution.datasources.v2.FilePartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Sent to executors: the parsed options, the pruned schemas and the Hadoop configuration of the
 * read (broadcast once). Spark's {@link FilePartitionReader} chains the splits of a partition and
 * applies {@code ignoreCorruptFiles}/{@code ignoreMissingFiles}; the reader returned here also
 * reports the task's TFRecord metrics, summed over its splits.
 */
final class TfRecordPartitionReaderFactory extends FilePartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final TfRecordOptions options;
  private final FileSourceOptions fileSourceOptions;
  private final Broadcast<SerializableConfiguration> hadoop;
  private final StructType dataSchema;
  private final StructType partitionSchema;

  TfRecordPartitionReaderFactory(TfRecordOptions options, Map<String, String> rawOptions,
      Broadcast<SerializableConfiguration> hadoop, StructType dataSchema, StructType partitionSchema) {
    this.options = options;
    this.fileSourceOptions = new FileSourceOptions(
        scala.collection.immutable.Map.from(CollectionConverters.asScala(rawOptions)));
    this.hadoop = hadoop;
    this.dataSchema = dataSchema;
    this.partitionSchema = partitionSchema;
  }

  @Override
  public FileSourceOptions options() {
    return fileSourceOptions;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    TfRecordMetrics.Totals totals = new TfRecordMetrics.Totals();
    PartitionedFile[] files = ((FilePartition) partition).files();
    FilePartitionReader<InternalRow> chained = new FilePartitionReader<>(
        CollectionConverters.asScala(Arrays.asList(files).iterator()), file -> open(file, totals), fileSourceOptions);
    return new PartitionReader<>() {
      @Override
      public boolean next() throws IOException {
        return chained.next();
      }

      @Override
      public InternalRow get() {
        return chained.get();
      }

      @Override
      public CustomTaskMetric[] currentMetricsValues() {
        return totals.values();
      }

      @Override
      public void close() throws IOException {
        chained.close();
      }
    };
  }

  @Override
  public PartitionReader<InternalRow> buildReader(PartitionedFile file) {
    return open(file, new TfRecordMetrics.Totals());
  }

  private PartitionReader<InternalRow> open(PartitionedFile file, TfRecordMetrics.Totals totals) {
    try {
      return new TfRecordFileReader(hadoop.value().value(), file, options, dataSchema, partitionSchema, totals);
    } catch (IOException e) {
      // Thrown as it is (Scala declares no checked exceptions): FilePartitionReader tells a
      // missing file (FileNotFoundException, ignoreMissingFiles) from a corrupt one by its type.
      throw TfRecordPartitionReaderFactory.<RuntimeException>rethrow(e);
    }
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E rethrow(Throwable t) throws E {
    throw (E) t;
  }
}
