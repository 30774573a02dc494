package io.s3dlio.npz.spark;

import java.io.IOException;
import java.util.Arrays;
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
import org.apache.spark.sql.execution.datasources.v2.PartitionReaderWithPartitionValues;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.SerializableConfiguration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Makes the reader of each task: Spark's {@link FilePartitionReader} over the task's files (it
 * applies {@code ignoreCorruptFiles} / {@code ignoreMissingFiles}), each file read by
 * {@link NpzFileReader}, partition values appended, and the task's {@link NpzMetrics} reported.
 * A scan decided vectorized by {@link NpzScan} reads column batches ({@link SampleBatchReader})
 * instead of rows.
 */
final class NpzPartitionReaderFactory extends FilePartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  /** The read's Hadoop configuration; null when the scan opens no file. */
  private final Broadcast<SerializableConfiguration> conf;
  private final ReadSpec spec;
  private final StructType readDataSchema;
  private final StructType partitionSchema;
  private final FileSourceOptions options;
  private final boolean needsFile;
  private final boolean pathColumn;
  private final boolean batches;

  NpzPartitionReaderFactory(Broadcast<SerializableConfiguration> conf, ReadSpec spec, StructType readDataSchema,
      StructType partitionSchema, FileSourceOptions options, boolean batches) {
    this.conf = conf;
    this.spec = spec;
    this.readDataSchema = readDataSchema;
    this.partitionSchema = partitionSchema;
    this.options = options;
    this.needsFile = spec.needsFile();
    this.pathColumn = spec.hasPathColumn();
    this.batches = batches;
  }

  @Override
  public boolean supportColumnarReads(InputPartition partition) {
    return batches;
  }

  @Override
  public FileSourceOptions options() {
    return options;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    ReadCounters counters = new ReadCounters();
    ReadFileSystems fs = fileSystems();
    return new Reporting<>(new FilePartitionReader<>(files(partition), f -> buildReader(f, fs, counters), options),
        counters);
  }

  @Override
  public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
    ReadCounters counters = new ReadCounters();
    ReadFileSystems fs = fileSystems();
    return new Reporting<>(new FilePartitionReader<>(files(partition), f -> buildColumnarReader(f, fs, counters),
        options), counters);
  }

  private static scala.collection.Iterator<PartitionedFile> files(InputPartition partition) {
    return CollectionConverters.asScala(Arrays.asList(((FilePartition) partition).files()).iterator());
  }

  @Override
  public PartitionReader<ColumnarBatch> buildColumnarReader(PartitionedFile file) {
    return buildColumnarReader(file, fileSystems(), new ReadCounters());
  }

  private PartitionReader<ColumnarBatch> buildColumnarReader(PartitionedFile file, ReadFileSystems fs,
      ReadCounters counters) {
    try {
      return NpzFileReader.openBatches(file, spec, partitionSchema, fs, counters, options.ignoreCorruptFiles(),
          options.ignoreMissingFiles());
    } catch (IOException e) {
      throw Sneaky.<RuntimeException>rethrow(e);
    }
  }

  @Override
  public PartitionReader<InternalRow> buildReader(PartitionedFile file) {
    return buildReader(file, fileSystems(), new ReadCounters());
  }

  private ReadFileSystems fileSystems() {
    return new ReadFileSystems(conf == null ? null : conf.value().value());
  }

  private PartitionReader<InternalRow> buildReader(PartitionedFile file, ReadFileSystems fs, ReadCounters counters) {
    PartitionReader<InternalRow> r;
    try {
      r = NpzFileReader.open(file, spec, needsFile, pathColumn, fs, counters, options.ignoreCorruptFiles(),
          options.ignoreMissingFiles());
    } catch (IOException e) {
      // Spark's reader tells missing and damaged files apart by the exception's class: keep it.
      throw Sneaky.<RuntimeException>rethrow(e);
    }
    return partitionSchema.isEmpty() ? r
        : new PartitionReaderWithPartitionValues(r, readDataSchema, partitionSchema, file.partitionValues());
  }

  /** Reports the task's counters as its current metric values. */
  private static final class Reporting<T> implements PartitionReader<T> {
    private final PartitionReader<T> rows;
    private final ReadCounters counters;

    Reporting(PartitionReader<T> rows, ReadCounters counters) {
      this.rows = rows;
      this.counters = counters;
    }

    @Override
    public boolean next() throws IOException {
      return rows.next();
    }

    @Override
    public T get() {
      return rows.get();
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
      return counters.values();
    }

    @Override
    public void initMetricsValues(CustomTaskMetric[] metrics) {
      counters.init(metrics);
    }

    @Override
    public void close() throws IOException {
      rows.close();
    }
  }
}
