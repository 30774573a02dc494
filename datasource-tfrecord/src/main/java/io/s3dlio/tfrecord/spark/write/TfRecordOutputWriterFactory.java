package io.s3dlio.tfrecord.spark.write;

import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.data.ExampleEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Made on the driver when a write starts (after the options and the schema are checked), sent to
 * every write task. Spark's commit protocol chooses each part file's path inside the task
 * attempt's output; the writer puts the part's index beside it, in that same output.
 */
public final class TfRecordOutputWriterFactory extends OutputWriterFactory {
  private static final long serialVersionUID = 1L;

  private final TfRecordOptions options;
  private final ExampleEncoder encoder;

  private TfRecordOutputWriterFactory(TfRecordOptions options, ExampleEncoder encoder) {
    this.options = options;
    this.encoder = encoder;
  }

  /**
   * Checks the write options and that every column of {@code dataSchema} (the partition columns
   * already left out by Spark) can be written, before any task runs.
   *
   * @throws IllegalArgumentException naming the first bad option or column
   */
  public static TfRecordOutputWriterFactory create(TfRecordOptions options, StructType dataSchema) {
    options.writeCompression();
    int[] all = IntStream.range(0, dataSchema.size()).toArray();
    return new TfRecordOutputWriterFactory(options, new ExampleEncoder(dataSchema, all, options.recordType()));
  }

  @Override
  public String getFileExtension(TaskAttemptContext context) {
    return options.writeExtension();
  }

  @Override
  public OutputWriter newInstance(String path, StructType dataSchema, TaskAttemptContext context) {
    try {
      return new TfRecordOutputWriter(new Path(path), context.getConfiguration(), encoder, options);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create TFRecord part file " + path + ": " + e.getMessage(), e);
    }
  }
}
