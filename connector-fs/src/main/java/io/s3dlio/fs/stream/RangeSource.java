package io.s3dlio.fs.stream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Where an input stream's bytes come from: an object store, or a local file with fadvise. */
public interface RangeSource extends Closeable {

  /** A stream of exactly {@code length} bytes from {@code offset} (the caller checked the bounds). */
  InputStream open(long offset, long length) throws IOException;

  /**
   * Reads up to {@code len} bytes at {@code position} into {@code buf}; returns how many (fewer
   * only at the end of the object). Thread-safe and stateless: any number of calls may run at once.
   */
  int readAt(long position, byte[] buf, int off, int len) throws IOException;

  /**
   * Fills {@code dst} (its remaining bytes) from {@code position}; {@link java.io.EOFException} if
   * the object ends first. Thread-safe, as {@link #readAt}. The default reads through a heap array.
   */
  default void readFully(long position, java.nio.ByteBuffer dst) throws IOException {
    int len = dst.remaining();
    byte[] b = dst.hasArray() ? dst.array() : new byte[len];
    int base = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
    int done = 0;
    while (done < len) {
      int n = readAt(position + done, b, base + done, len - done);
      if (n <= 0) {
        throw new java.io.EOFException("read at " + (position + done) + ": end of the object inside range ["
            + position + ", " + (position + len) + ")");
      }
      done += n;
    }
    if (dst.hasArray()) {
      dst.position(dst.position() + len);
    } else {
      dst.put(b);
    }
  }

  /**
   * Whether positional reads are cheap (a local file: one {@code pread} each), so that vectored
   * reads need not merge ranges into one GET.
   */
  default boolean positional() {
    return false;
  }

  /** Gives the source the stream's statistics (local files count the hints the kernel accepted). */
  default void statistics(org.apache.hadoop.fs.statistics.impl.IOStatisticsStore stats) {
  }

  /** Tells the source the access pattern (local files pass it to the kernel). */
  default void policy(ReadPolicy policy) {
  }

  /** Releases cached resources (open files); the source stays usable. */
  default void release() throws IOException {
  }

  @Override
  default void close() throws IOException {
    release();
  }
}
