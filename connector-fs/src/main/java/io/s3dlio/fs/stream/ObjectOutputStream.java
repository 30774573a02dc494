package io.s3dlio.fs.stream;

import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_WRITE_BYTES;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_WRITE_EXCEPTIONS;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_WRITE_TOTAL_DATA;

import io.s3dlio.store.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * Writes one object through the store's streaming writer (multipart upload on S3, staged blocks
 * on Azure, a hidden temporary file on local disk), so memory stays bounded whatever the size.
 * The object becomes visible only at {@link #close()}. A failed write or close aborts the upload
 * and leaves no object behind; {@link #abort()} does so on request. No hflush/hsync: data is
 * durable only after close, and {@link #hasCapability} says so.
 */
public final class ObjectOutputStream extends OutputStream implements StreamCapabilities, IOStatisticsSource,
    Abortable {
  private final String path;
  private final ObjectWriter writer;
  private final IOStatisticsStore stats = IOStatisticsBinding.iostatisticsStore()
      .withCounters(STREAM_WRITE_BYTES, STREAM_WRITE_EXCEPTIONS, STREAM_WRITE_TOTAL_DATA).build();
  private boolean closed;

  public ObjectOutputStream(String path, ObjectWriter writer) {
    this.path = path;
    this.writer = writer;
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("write " + path + ": stream is closed");
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    try {
      writer.write(b, off, len);
    } catch (IOException | RuntimeException e) {
      stats.incrementCounter(STREAM_WRITE_EXCEPTIONS);
      closed = true;
      writer.abort();
      throw e;
    }
    stats.incrementCounter(STREAM_WRITE_BYTES, len);
    stats.incrementCounter(STREAM_WRITE_TOTAL_DATA, len);
  }

  @Override
  public synchronized void flush() throws IOException {
    // Bytes become visible at close only; nothing to push earlier.
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.close();
    } catch (IOException | RuntimeException e) {
      stats.incrementCounter(STREAM_WRITE_EXCEPTIONS);
      try {
        writer.abort();
      } catch (IOException ignored) {
        // the close error is the one to report
      }
      throw e;
    }
  }

  @Override
  public synchronized AbortableResult abort() {
    boolean already = closed;
    closed = true;
    IOException err = null;
    if (!already) {
      try {
        writer.abort();
      } catch (IOException e) {
        err = e;
      }
    }
    IOException cleanup = err;
    return new AbortableResult() {
      @Override
      public boolean alreadyClosed() {
        return already;
      }

      @Override
      public IOException anyCleanupException() {
        return cleanup;
      }
    };
  }

  @Override
  public boolean hasCapability(String capability) {
    switch (capability.toLowerCase(java.util.Locale.ROOT)) {
      case StreamCapabilities.IOSTATISTICS:
      case StreamCapabilities.ABORTABLE_STREAM:
        return true;
      default:
        return false;
    }
  }

  @Override
  public IOStatistics getIOStatistics() {
    return stats;
  }

  @Override
  public String toString() {
    return "ObjectOutputStream{" + path + ", written=" + writer.bytesWritten() + "}";
  }
}
