package io.s3dlio.tfrecord.spark.write;

import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexFormat;
import io.s3dlio.tfrecord.index.RecordSink;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.data.ExampleEncoder;
import io.s3dlio.tfrecord.spark.io.IndexLookup;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;

/**
 * One part file and, in the same pass, its DALI index ({@code <offset> <size>} per record; for a
 * gzip part, offsets of the decompressed stream) in {@code _index/<part name><suffix>} beside the
 * part. Both live under the path the commit protocol gave the task attempt, so the committer
 * publishes them together when the task commits and deletes them together when it aborts.
 *
 * <p>Spark closes a writer on success and on failure alike; when the task has failed or was
 * killed (a speculative copy that lost, a cancelled job) the streams are aborted instead, where
 * the store can (S3 multipart uploads are not completed), before the committer deletes the
 * attempt's output.
 */
final class TfRecordOutputWriter extends OutputWriter {
  private final Path path;
  private final FSDataOutputStream dataOut;
  private final TfRecordWriter writer;
  private final FSDataOutputStream indexOut;
  private final OutputStream indexBuffer;
  private final RecordSink index;
  private final ExampleEncoder encoder;
  private boolean closed;

  TfRecordOutputWriter(Path path, Configuration conf, ExampleEncoder encoder, TfRecordOptions options)
      throws IOException {
    this.path = path;
    this.encoder = encoder;
    FileSystem fs = path.getFileSystem(conf);
    this.dataOut = fs.create(path, false);
    FSDataOutputStream io = null;
    try {
      this.writer = new TfRecordWriter(dataOut, options.writeCompression());
      if (options.writeIndex()) {
        io = fs.create(IndexLookup.writtenIndex(path, options.indexSuffix()), false);
      }
    } catch (IOException | RuntimeException e) {
      abort(dataOut);
      throw e;
    }
    this.indexOut = io;
    this.indexBuffer = io == null ? null : new BufferedOutputStream(io, 64 * 1024);
    this.index = io == null ? null : DaliIndexFormat.writer(indexBuffer);
  }

  @Override
  public void write(InternalRow row) {
    long n = writer.records();
    byte[] payload = encoder.encode(row, () -> "record " + n + " of part file " + path);
    try {
      long offset = writer.bytes();
      writer.write(payload);
      if (index != null) {
        index.record(offset, TfRecordFraming.frameSize(payload.length));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write record " + n + " to " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    TaskContext task = TaskContext.get();
    if (task != null && (task.isFailed() || task.isInterrupted())) {
      abort(dataOut);
      if (indexOut != null) {
        abort(indexOut);
      }
      return;
    }
    try {
      writer.close();
      if (indexOut != null) {
        indexBuffer.close();
      }
    } catch (IOException e) {
      if (indexOut != null) {
        abort(indexOut);
      }
      throw new UncheckedIOException("Cannot close TFRecord part file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Abandons a stream: aborted when the store can, else closed (the committer deletes the file). */
  private static void abort(FSDataOutputStream out) {
    try {
      if (out.hasCapability(StreamCapabilities.ABORTABLE_STREAM)) {
        out.abort();
      } else {
        out.close();
      }
    } catch (IOException | RuntimeException ignored) {
      // The task has failed already; the commit protocol removes what it wrote.
    }
  }

  @Override
  public String path() {
    return path.toString();
  }
}
