package io.s3dlio.loader.dataset;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one coalesced range request front to back through a small buffer, so that each piece the
 * request serves is copied once, straight into its own array, and the range is never held whole.
 * Keeps the file offset of the next byte, and the time spent waiting on the stream (the
 * request's latency as the loader's metrics count it: opening plus reading, not decoding).
 */
final class RangeReader implements RangeInput {
  /** Largest buffer: big enough to amortise a read call, small enough to stay in the CPU cache. */
  static final int MAX_BUFFER = 256 * 1024;

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int limit;
  private long offset;
  private long bytes;
  private long nanos;
  private boolean eof;

  /**
   * @param in the range's bytes, from {@code start}
   * @param length the range's length (sizes the buffer)
   * @param openNanos time it took to open {@code in}
   */
  RangeReader(InputStream in, long start, long length, long openNanos) {
    this.in = in;
    this.buf = new byte[(int) Math.max(1, Math.min(length, MAX_BUFFER))];
    this.offset = start;
    this.nanos = openNanos;
  }

  @Override
  public long offset() {
    return offset;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public long nanos() {
    return nanos;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    long t0 = System.nanoTime();
    int n = in.read(buf, 0, buf.length);
    nanos += System.nanoTime() - t0;
    if (n < 0) {
      eof = true;
      return false;
    }
    bytes += n;
    pos = 0;
    limit = n;
    return true;
  }

  @Override
  public int read(byte[] dst, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      if (pos == limit) {
        int left = len - done;
        if (left >= buf.length && !eof) {
          // a large piece: straight from the stream into its array
          long t0 = System.nanoTime();
          int n = in.readNBytes(dst, off + done, left);
          nanos += System.nanoTime() - t0;
          bytes += n;
          done += n;
          offset += n;
          if (n < left) {
            eof = true;
          }
          return done;
        }
        if (!fill()) {
          return done;
        }
      }
      int k = Math.min(len - done, limit - pos);
      System.arraycopy(buf, pos, dst, off + done, k);
      pos += k;
      done += k;
      offset += k;
    }
    return done;
  }

  @Override
  public boolean skipTo(long target) throws IOException {
    while (offset < target) {
      if (pos == limit && !fill()) {
        return false;
      }
      int k = (int) Math.min(target - offset, limit - pos);
      pos += k;
      offset += k;
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
