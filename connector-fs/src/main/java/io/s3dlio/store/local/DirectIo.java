package io.s3dlio.store.local;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * O_DIRECT I/O ({@link ExtendedOpenOption#DIRECT}): reads and writes bypass the page cache, with
 * buffers, offsets and lengths aligned to the filesystem block size. Reads of unaligned ranges
 * read the enclosing aligned blocks and copy out the bytes asked for; a write pads its last block
 * and then truncates the file to its real length.
 *
 * <p>Filesystems that refuse O_DIRECT (tmpfs, some FUSE and network filesystems) make the open
 * fail; the store then fails with a message saying so, or falls back to {@link BufferedIo} when
 * {@code direct.fallback=buffered}.
 */
final class DirectIo implements LocalIo {
  private final int bufferSize;

  DirectIo(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  static int alignment(Path file) {
    try {
      Path p = Files.exists(file) ? file : file.getParent();
      FileStore fs = Files.getFileStore(p);
      long bs = fs.getBlockSize();
      return bs >= 512 && bs <= (1 << 16) && Long.bitCount(bs) == 1 ? (int) bs : 4096;
    } catch (IOException | UnsupportedOperationException e) {
      return 4096;
    }
  }

  static ByteBuffer alignedBuffer(int size, int alignment) {
    return ByteBuffer.allocateDirect(size + alignment).alignedSlice(alignment).limit(size);
  }

  private static long alignDown(long v, int a) {
    return v & -a;
  }

  private static long alignUp(long v, int a) {
    return (v + a - 1) & -(long) a;
  }

  static FileChannel openRead(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
  }

  @Override
  public byte[] read(Path file, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    try (FileChannel ch = openRead(file)) {
      int a = alignment(file);
      ByteBuffer buf = alignedBuffer((int) Math.min(bufferSize, alignUp(length, a) + a), a);
      int done = 0;
      while (done < length) {
        long want = offset + done;
        long aligned = alignDown(want, a);
        buf.clear();
        int n = readBlocks(ch, buf, aligned, a);
        int skip = (int) (want - aligned);
        if (n <= skip) {
          throw new java.io.EOFException("read " + file + ": file ended at offset " + (aligned + n));
        }
        int take = Math.min(n - skip, length - done);
        buf.position(skip).get(out, done, take);
        done += take;
      }
    }
    return out;
  }

  /**
   * Fills {@code buf} from aligned {@code pos}; returns bytes read (short only at EOF). A read that
   * ends off the alignment {@code a} is the end of the file: reading on from there would be an
   * unaligned O_DIRECT read (a 1024-byte file on a 4096-aligned filesystem).
   */
  private static int readBlocks(FileChannel ch, ByteBuffer buf, long pos, int a) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + total);
      if (n <= 0) {
        break;
      }
      total += n;
      if (n % a != 0) {
        break; // a short read of a partial block: end of file
      }
    }
    buf.flip();
    return total;
  }

  @Override
  public InputStream open(Path file, long offset, long length) throws IOException {
    FileChannel ch = openRead(file);
    int a = alignment(file);
    ByteBuffer buf = alignedBuffer((int) alignUp(bufferSize, a), a);
    buf.limit(0);
    return new InputStream() {
      private long pos = alignDown(offset, a);
      private long skip = offset - pos;
      private long left = length;

      private boolean fill() throws IOException {
        while (!buf.hasRemaining() || skip > 0) {
          if (left <= 0) {
            return false;
          }
          buf.clear();
          int n = readBlocks(ch, buf, pos, a);
          if (n == 0) {
            return false;
          }
          pos += n;
          int s = (int) Math.min(skip, n);
          buf.position(s);
          skip -= s;
        }
        return true;
      }

      @Override
      public int read() throws IOException {
        if (left <= 0 || !fill()) {
          return -1;
        }
        left--;
        return buf.get() & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (left <= 0 || !fill()) {
          return -1;
        }
        int n = (int) Math.min(Math.min(len, buf.remaining()), left);
        buf.get(b, off, n);
        left -= n;
        return n;
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  @Override
  public OutputStream create(Path file, boolean fsync) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        ExtendedOpenOption.DIRECT);
    int a = alignment(file);
    ByteBuffer buf = alignedBuffer((int) alignUp(bufferSize, a), a);
    return new OutputStream() {
      private long written;
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        if (!buf.hasRemaining()) {
          flushFull();
        }
        buf.put((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          if (!buf.hasRemaining()) {
            flushFull();
          }
          int n = Math.min(len, buf.remaining());
          buf.put(b, off, n);
          off += n;
          len -= n;
        }
      }

      private void flushFull() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
          written += ch.write(buf, written);
        }
        buf.clear();
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        try {
          int tail = buf.position();
          if (tail > 0) {
            int padded = (int) alignUp(tail, a);
            while (buf.position() < padded) {
              buf.put((byte) 0);
            }
            buf.flip();
            long at = written;
            while (buf.hasRemaining()) {
              at += ch.write(buf, at);
            }
            written += tail;
            ch.truncate(written);
          }
          if (fsync) {
            ch.force(true);
          }
        } finally {
          ch.close();
        }
      }
    };
  }
}
