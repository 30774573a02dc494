package io.s3dlio.npz.spark;

import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.types.StructType;

/** Shipped to the tasks of a write; makes one {@link NpzOutputWriter} per file Spark opens. */
final class NpzOutputWriterFactory extends OutputWriterFactory {
  private static final long serialVersionUID = 1L;

  private final NpzWriteSpec spec;
  private final WriteMetrics metrics;

  NpzOutputWriterFactory(NpzWriteSpec spec, WriteMetrics metrics) {
    this.spec = spec;
    this.metrics = metrics;
  }

  @Override
  public String getFileExtension(TaskAttemptContext context) {
    return "." + spec.format();
  }

  @Override
  public OutputWriter newInstance(String path, StructType dataSchema, TaskAttemptContext context) {
    return new NpzOutputWriter(spec, path, context.getConfiguration(), metrics);
  }
}
