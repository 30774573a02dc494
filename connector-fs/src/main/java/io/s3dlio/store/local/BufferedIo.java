package io.s3dlio.store.local;

import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Page-cache I/O with posix_fadvise hints: SEQUENTIAL for streams, RANDOM for positioned reads of
 * small ranges, DONTNEED behind a stream that has been read (so one pass over a large dataset does
 * not evict everything else).
 */
final class BufferedIo implements LocalIo {
  /** Ranges at most this long are read as random access (readahead off). */
  static final int RANDOM_READ_MAX = 1 << 20;

  @Override
  public byte[] read(Path file, long offset, int length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      Fadvise.advise(raf.getFD(), offset, length,
          length <= RANDOM_READ_MAX ? Fadvise.Advice.RANDOM : Fadvise.Advice.SEQUENTIAL);
      byte[] out = new byte[length];
      readFully(raf.getChannel(), ByteBuffer.wrap(out), offset, file);
      return out;
    }
  }

  static void readFully(FileChannel ch, ByteBuffer dst, long offset, Path file) throws IOException {
    long pos = offset;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new EOFException("read " + file + ": file ended at offset " + pos + " (it shrank while being read)");
      }
      pos += n;
    }
  }

  @Override
  public InputStream open(Path file, long offset, long length) throws IOException {
    RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
    try {
      Fadvise.advise(raf.getFD(), offset, length, Fadvise.Advice.SEQUENTIAL);
      raf.seek(offset);
      return new RangeStream(raf, offset, length);
    } catch (IOException | RuntimeException e) {
      raf.close();
      throw e;
    }
  }

  @Override
  public OutputStream create(Path file, boolean fsync) throws IOException {
    FileOutputStream fos = new FileOutputStream(file.toFile());
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        fos.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        fos.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        try {
          if (fsync) {
            fos.getFD().sync();
          }
        } finally {
          fos.close();
        }
      }
    };
  }

  /** A bounded stream over a RandomAccessFile that drops the pages it has passed. */
  private static final class RangeStream extends InputStream {
    private static final long DROP_EVERY = 64L << 20;
    private final RandomAccessFile raf;
    private final long start;
    private long pos;
    private final long end;
    private long dropped;

    RangeStream(RandomAccessFile raf, long offset, long length) {
      this.raf = raf;
      this.start = offset;
      this.pos = offset;
      this.end = offset + length;
      this.dropped = offset;
    }

    @Override
    public int read() throws IOException {
      if (pos >= end) {
        return -1;
      }
      int b = raf.read();
      if (b >= 0) {
        pos++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int n = raf.read(b, off, (int) Math.min(len, end - pos));
      if (n > 0) {
        pos += n;
        if (pos - dropped >= DROP_EVERY) {
          Fadvise.advise(raf.getFD(), dropped, pos - dropped, Fadvise.Advice.DONTNEED);
          dropped = pos;
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = Math.max(0, Math.min(n, end - pos));
      pos += k;
      raf.seek(pos);
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }

    @Override
    public void close() throws IOException {
      raf.close();
    }

    @Override
    public String toString() {
      return "RangeStream[" + start + ".." + end + " at " + pos + "]";
    }
  }
}
