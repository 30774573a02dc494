package io.s3dlio.fs.stream;

import io.s3dlio.store.local.Fadvise;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Locale;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * A local file read with positional reads ({@code pread}) on one descriptor, with the read policy
 * passed to the kernel through {@code posix_fadvise}: sequential (and whole-file, which also asks
 * for the pages with WILLNEED) doubles the kernel's readahead, random and vector turn it off,
 * adaptive starts NORMAL and becomes RANDOM on the first backward seek. The descriptor is opened
 * on first use and closed by {@link #release()} (unbuffer). Each hint the kernel accepts is counted
 * in the stream's statistics as {@code fadvise_<advice>} (see {@link #FADVISE_COUNTERS}).
 */
public final class LocalFileRangeSource implements RangeSource {
  /** The IOStatistics counters of accepted hints. */
  public static final String[] FADVISE_COUNTERS = {"fadvise_normal", "fadvise_sequential", "fadvise_random",
      "fadvise_willneed"};

  private final String path;
  private volatile ReadPolicy policy;
  private IOStatisticsStore stats;
  private RandomAccessFile file;
  private FileChannel channel;
  /** Set by {@link #close()}: the descriptor is never opened again. */
  private boolean closed;

  public LocalFileRangeSource(String path, ReadPolicy policy) {
    this.path = path;
    this.policy = policy;
  }

  private synchronized FileChannel channel() throws IOException {
    if (closed) {
      throw new IOException("read file://" + path + ": " + org.apache.hadoop.fs.FSExceptionMessages.STREAM_IS_CLOSED);
    }
    if (channel == null) {
      try {
        file = new RandomAccessFile(path, "r");
      } catch (FileNotFoundException e) {
        throw new FileNotFoundException("open file://" + path + ": " + e.getMessage());
      }
      channel = file.getChannel();
      advise(policy);
    }
    return channel;
  }

  private void advise(ReadPolicy p) throws IOException {
    Fadvise.Advice a = switch (p) {
      case SEQUENTIAL -> Fadvise.Advice.SEQUENTIAL;
      case WHOLE_FILE -> Fadvise.Advice.WILLNEED;
      case RANDOM, VECTOR -> Fadvise.Advice.RANDOM;
      case ADAPTIVE -> Fadvise.Advice.NORMAL;
    };
    if (p == ReadPolicy.WHOLE_FILE) {
      hint(Fadvise.Advice.SEQUENTIAL);
    }
    hint(a);
  }

  private void hint(Fadvise.Advice a) throws IOException {
    if (Fadvise.advise(file.getFD(), 0, 0, a) && stats != null) {
      stats.incrementCounter("fadvise_" + a.name().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public synchronized void statistics(IOStatisticsStore s) {
    this.stats = s;
  }

  @Override
  public synchronized void policy(ReadPolicy p) {
    this.policy = p;
    if (file != null) {
      try {
        advise(p);
      } catch (IOException ignored) {
        // a hint only
      }
    }
  }

  @Override
  public InputStream open(long offset, long length) throws IOException {
    FileChannel ch = channel();
    return new InputStream() {
      private long pos = offset;
      private final long end = offset + length;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
          return -1;
        }
        int n = pread(ch, ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    };
  }

  @Override
  public int readAt(long position, byte[] buf, int off, int len) throws IOException {
    FileChannel ch = channel();
    int total = 0;
    while (total < len) {
      int n = pread(ch, ByteBuffer.wrap(buf, off + total, len - total), position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    FileChannel ch = channel();
    long at = position;
    while (dst.hasRemaining()) {
      int n = pread(ch, dst, at);
      if (n < 0) {
        throw new java.io.EOFException("read file://" + path + ": end of file at " + at + " with "
            + dst.remaining() + " bytes still to read");
      }
      at += n;
    }
  }

  @Override
  public boolean positional() {
    return true;
  }

  /** A positional read; one that close() interrupted says the stream is closed. */
  private int pread(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    try {
      return ch.read(buf, position);
    } catch (java.nio.channels.ClosedChannelException e) {
      throw new IOException("read file://" + path + " at " + position + ": "
          + org.apache.hadoop.fs.FSExceptionMessages.STREAM_IS_CLOSED, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    release();
  }

  /** Whether the descriptor is open (for tests: none after close). */
  public synchronized boolean isOpen() {
    return channel != null;
  }

  @Override
  public synchronized void release() throws IOException {
    if (file != null) {
      file.close();
      file = null;
      channel = null;
    }
  }
}
