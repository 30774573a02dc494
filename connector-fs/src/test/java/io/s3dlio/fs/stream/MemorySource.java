package io.s3dlio.fs.stream;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RangeSource} over bytes in memory that records every GET it is asked for, can fail the
 * GET whose range holds a given offset when it reaches it, and can hold the GET whose range holds
 * a given offset there until released (to observe what happens while a GET is still arriving).
 * For the stream-layer unit tests.
 */
final class MemorySource implements RangeSource {
  final byte[] data;
  /** Every open as "offset+length", in order. */
  final List<String> opens = new CopyOnWriteArrayList<>();
  final AtomicInteger openStreams = new AtomicInteger();
  final AtomicInteger peakOpen = new AtomicInteger();
  private volatile long failAt = -1;
  private volatile IOException failure;
  private volatile long holdAt = -1;
  private final Semaphore gate = new Semaphore(0);
  private volatile boolean positional;

  MemorySource(byte[] data) {
    this.data = data;
  }

  /** Streams that reach {@code offset} throw {@code e}. */
  MemorySource failAt(long offset, IOException e) {
    this.failAt = offset;
    this.failure = e;
    return this;
  }

  /** Streams stop at {@code offset} until {@link #letGo()}. */
  MemorySource holdAt(long offset) {
    this.holdAt = offset;
    return this;
  }

  void letGo() {
    gate.release(1000);
  }

  MemorySource positional(boolean p) {
    this.positional = p;
    return this;
  }

  @Override
  public boolean positional() {
    return positional;
  }

  @Override
  public InputStream open(long offset, long length) {
    opens.add(offset + "+" + length);
    peakOpen.accumulateAndGet(openStreams.incrementAndGet(), Math::max);
    long end = Math.min(data.length, offset + length);
    long hold = holdAt >= offset && holdAt < offset + length ? holdAt : -1;
    long fail = failAt >= offset && failAt < offset + length ? failAt : -1;
    IOException error = failure;
    return new InputStream() {
      private long pos = offset;
      private boolean closed;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
          throw new IOException("stream closed");
        }
        if (pos >= end) {
          return -1;
        }
        long stop = end;
        if (hold >= 0 && pos == hold) {
          try {
            gate.acquire();
            gate.release();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
        } else if (hold > pos) {
          stop = Math.min(stop, hold);
        }
        if (fail >= 0 && pos >= fail) {
          throw error;
        }
        if (fail > pos) {
          stop = Math.min(stop, fail);
        }
        int n = (int) Math.min(len, stop - pos);
        System.arraycopy(data, (int) pos, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          openStreams.decrementAndGet();
        }
      }
    };
  }

  @Override
  public int readAt(long position, byte[] buf, int off, int len) throws IOException {
    try (InputStream in = open(position, len)) {
      return in.readNBytes(buf, off, len);
    }
  }
}
