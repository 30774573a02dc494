package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.RangeSource;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.OpenFileOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * The codec's {@link RangeSource} over a Hadoop {@link FileSystem}: one stream per file, opened
 * with {@code openFile()} and the file's length (no HEAD request on object stores) and the
 * {@code random} read policy; every range is a vectored read ({@code readVectored}) of exactly that
 * range, so the zip directory and each needed member cost one ranged request each on an object
 * store, and no more bytes than asked for. (Each FileSystem serves vectored reads its best way;
 * positioned {@code readFully(position, ...)} would make Hadoop's LocalFileSystem reopen the file
 * on every read, and a seek-and-read stream fetches read-ahead it then discards.) Compressed
 * members are streamed in chunks of {@link #CHUNK} bytes.
 *
 * <p>Not thread-safe beyond what the stream offers; one per task and file. Close it.
 */
final class HadoopRangeSource extends RangeSource implements Closeable {
  /** Bytes fetched per request when a member is streamed (deflated members). */
  static final int CHUNK = 4 << 20;

  private final Path path;
  private final FSDataInputStream in;
  /** Ranged reads made (each is one ranged request on an object store). */
  private long reads;

  private HadoopRangeSource(Path path, long length, FSDataInputStream in) {
    super(path.toString(), length);
    this.path = path;
    this.in = in;
  }

  /**
   * Opens {@code path} of {@code length} bytes (as listed) through the FileSystem that
   * {@code conf} gives for it.
   */
  static HadoopRangeSource open(Path path, long length, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path)
        .opt(OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY, OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_RANDOM)
        .opt(OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, Long.toString(length))
        .build());
    return new HadoopRangeSource(path, length, in);
  }

  @Override
  protected byte[] fetch(long offset, int length) throws IOException {
    byte[] b = new byte[length];
    readFully(offset, b, 0, length);
    return b;
  }

  private void readFully(long offset, byte[] b, int off, int length) throws IOException {
    reads++;
    FileRange range = FileRange.createFileRange(offset, length);
    try {
      in.readVectored(List.of(range), ByteBuffer::allocate);
      ByteBuffer data = FutureIO.awaitFuture(range.getData());
      if (data.remaining() != length) {
        throw new EOFException("read " + data.remaining() + " of " + length + " bytes");
      }
      data.get(b, off, length);
    } catch (EOFException e) {
      EOFException x = new EOFException("Cannot read " + path + " at offset " + offset + ": the file ends before "
          + length + " bytes could be read (listed as " + size() + " bytes; changed since?): " + e.getMessage());
      x.initCause(e);
      throw x;
    }
  }

  @Override
  protected InputStream stream(long offset, long length) {
    return new InputStream() {
      private byte[] buf = new byte[0];
      private int at;
      private long next = offset;
      private final long end = offset + length;

      @Override
      public int read() throws IOException {
        if (!fill()) {
          return -1;
        }
        return buf[at++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, buf.length - at);
        System.arraycopy(buf, at, b, off, n);
        at += n;
        return n;
      }

      private boolean fill() throws IOException {
        if (at < buf.length) {
          return true;
        }
        if (next >= end) {
          return false;
        }
        int n = (int) Math.min(CHUNK, end - next);
        if (buf.length != n) {
          buf = new byte[n];
        }
        readFully(next, buf, 0, n);
        next += n;
        at = 0;
        return true;
      }
    };
  }

  /** Ranged reads made so far (a streamed member counts one per chunk). */
  @Override
  public long requests() {
    return reads;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
