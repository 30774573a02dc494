package io.s3dlio.fs.stream;

import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_OPENED;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_PREFETCHED_BYTES;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_PREFETCH_OPERATIONS;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * Sequential read-ahead over bytes {@code [start, end)} of one object: the bytes are fetched as
 * consecutive parts, one ranged GET each ({@link RangeSource#open}, so every part reads the pinned
 * version of the object), on the FileSystem's pool, with up to {@code depth} parts in flight or
 * waiting to be read. The reader consumes a part while it is still arriving, so the first byte
 * comes as soon as from one GET.
 *
 * <p>Part size adapts: the first part is {@link Sizing#firstPart()} bytes and each next one twice
 * the previous, up to {@link Sizing#maxPart()} (a short read costs one small GET; a long scan gets
 * large parts). With {@link Sizing#ramp()} the number of parts ahead grows too, by one per part
 * read, up to {@code depth} (for the adaptive policy, which may turn out to be random). Memory is
 * bounded by {@code depth * maxPart} bytes per stream.
 *
 * <p>A forward seek inside the fetched or scheduled window drops the parts before the target; any
 * other seek is the caller's to handle (a new instance). {@link #close()} cancels what is in flight:
 * a part's GET stops at its next chunk and is closed on the pool thread that reads it. An error of
 * a part is thrown by the read that reaches it; the instance is then unusable. Not thread-safe
 * (one reader), apart from its pool tasks.
 */
final class ReadAhead extends InputStream {
  /** Bytes read from a part's GET between two publications to the reader. */
  private static final int CHUNK = 256 << 10;

  /**
   * @param depth parts in flight or buffered (at least 1)
   * @param firstPart size of the first part
   * @param maxPart largest part
   * @param ramp whether the depth starts at 1 and grows by one per part consumed
   */
  record Sizing(int depth, int firstPart, int maxPart, boolean ramp) {
    Sizing {
      if (depth < 1 || firstPart < 1 || maxPart < firstPart) {
        throw new IllegalArgumentException("bad read-ahead sizing: depth " + depth + ", parts " + firstPart + ".."
            + maxPart);
      }
    }
  }

  private final String path;
  private final RangeSource source;
  private final Executor executor;
  private final IOStatisticsStore stats;
  private final long end;
  private final Sizing sizing;
  private final ArrayDeque<Part> parts = new ArrayDeque<>();
  /** Buffers of {@code maxPart} bytes of parts read to the end, for the next parts (no allocation, no GC). */
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  /** Next byte the reader gets. */
  private long pos;
  /** End of the last scheduled part. */
  private long scheduled;
  private int nextPartSize;
  private int consumedParts;
  private boolean closed;

  ReadAhead(String path, RangeSource source, Executor executor, IOStatisticsStore stats, long start, long end,
      Sizing sizing) {
    this.path = path;
    this.source = source;
    this.executor = executor;
    this.stats = stats;
    this.end = end;
    this.sizing = sizing;
    this.pos = start;
    this.scheduled = start;
    this.nextPartSize = sizing.firstPart();
  }

  /** Offset of the next byte {@link #read} returns. */
  long position() {
    return pos;
  }

  /**
   * Moves forward to {@code target} if it lies in {@code [position, end)} and is already fetched
   * or scheduled; returns false otherwise (nothing changed).
   */
  boolean moveTo(long target) {
    if (closed || target < pos || target >= end || target > scheduled) {
      return false;
    }
    while (!parts.isEmpty() && parts.peekFirst().end() <= target) {
      retire(parts.removeFirst());
    }
    pos = target;
    return true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  /** Reads up to {@code len} bytes at {@link #position()}; -1 at the end. Blocks until bytes arrive. */
  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("read " + path + " at " + pos + ": read-ahead is closed");
    }
    if (pos >= end) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    schedule();
    Part head = parts.peekFirst();
    int n = head.read(pos, b, off, len);
    pos += n;
    if (pos >= head.end()) {
      retire(parts.removeFirst());
      schedule();
    }
    return n;
  }

  /** Drops a part the reader is done with; its buffer is reused once its GET has finished. */
  private void retire(Part p) {
    consumedParts++;
    if (p.cancel() && p.buf.length == sizing.maxPart() && free.size() < sizing.depth()) {
      free.addLast(p.buf);
    }
  }

  /** Tops the window up to the allowed number of parts. */
  private void schedule() throws IOException {
    int allowed = sizing.ramp() ? Math.min(sizing.depth(), 1 + consumedParts) : sizing.depth();
    while (parts.size() < allowed && scheduled < end) {
      int size = (int) Math.min(nextPartSize, end - scheduled);
      byte[] buf = size == sizing.maxPart() && !free.isEmpty() ? free.removeFirst() : new byte[size];
      Part p = new Part(scheduled, buf);
      try {
        executor.execute(p);
      } catch (RejectedExecutionException e) {
        throw new IOException("read " + path + " at " + scheduled + ": the FileSystem is closed", e);
      }
      parts.addLast(p);
      scheduled += size;
      nextPartSize = (int) Math.min(sizing.maxPart(), 2L * nextPartSize);
      stats.incrementCounter(STREAM_READ_PREFETCH_OPERATIONS);
    }
  }

  /** Cancels every part; their GETs are closed by the threads reading them. */
  @Override
  public void close() {
    closed = true;
    for (Part p : parts) {
      p.cancel();
    }
    parts.clear();
  }

  /** Parts fetched or in flight (for tests). */
  int partsAhead() {
    return parts.size();
  }

  /** One part: a ranged GET into a buffer, published to the reader chunk by chunk. */
  private final class Part implements Runnable {
    final long offset;
    final byte[] buf;
    /** Bytes of {@link #buf} written (guarded by this). */
    private int filled;
    /** What the waiting reader needs in {@link #filled} before it is woken; 0 when none waits. */
    private int wanted;
    private boolean done;
    private Throwable error;
    private boolean cancelled;

    Part(long offset, byte[] buf) {
      this.offset = offset;
      this.buf = buf;
    }

    long end() {
      return offset + buf.length;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (cancelled) {
          return;
        }
      }
      try (InputStream in = source.open(offset, buf.length)) {
        stats.incrementCounter(STREAM_READ_OPENED);
        int done = 0;
        while (done < buf.length) {
          synchronized (this) {
            if (cancelled) {
              return;
            }
          }
          int n = in.read(buf, done, Math.min(CHUNK, buf.length - done));
          if (n < 0) {
            throw new EOFException("read " + path + " at " + (offset + done) + ": the object ended before "
                + (offset + buf.length) + " (was it replaced?)");
          }
          done += n;
          synchronized (this) {
            filled = done;
            if (wanted > 0 && filled >= wanted) {
              notifyAll();
            }
          }
        }
        stats.incrementCounter(STREAM_READ_PREFETCHED_BYTES, buf.length);
      } catch (Throwable t) {
        synchronized (this) {
          error = t;
        }
      } finally {
        synchronized (this) {
          done = true;
          notifyAll();
        }
      }
    }

    /**
     * Copies bytes at object offset {@code at} once they have arrived: waits for all {@code len}
     * (or the rest of the part), so that the reader is woken once per read, not per chunk.
     */
    int read(long at, byte[] b, int off, int len) throws IOException {
      int rel = (int) (at - offset);
      int need = (int) Math.min(buf.length, (long) rel + len);
      int avail;
      synchronized (this) {
        while (filled < need && !done) {
          wanted = need;
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("read " + path + " at " + at + ": interrupted");
          } finally {
            wanted = 0;
          }
        }
        if (filled <= rel) {
          throw error != null ? rethrow(error) : new IOException("read " + path + " at " + at + ": read-ahead part "
              + offset + "+" + buf.length + " ended without its bytes");
        }
        avail = filled - rel;
      }
      int n = Math.min(len, avail);
      System.arraycopy(buf, rel, b, off, n);
      return n;
    }

    /** Stops the part's GET; returns whether it had already finished (its buffer is free). */
    synchronized boolean cancel() {
      cancelled = true;
      return done;
    }

    private IOException rethrow(Throwable t) {
      if (t instanceof IOException io) {
        return io;
      }
      return new IOException("read " + path + " at " + offset + ": " + t, t);
    }
  }
}
