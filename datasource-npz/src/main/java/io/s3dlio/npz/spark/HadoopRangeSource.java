package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.RangeSource;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * <p>A file of at most {@link #WHOLE_FILE_MAX} bytes that is read whole (not a row range of it) is
 * fetched in one read when it is opened and served from memory: the codec's first read, the zip
 * directory's tail, would fetch all of it anyway, so this costs no extra byte and saves the
 * member reads (one request per file instead of three on an object store; measured 3x faster per
 * file on 20,000 files of 4 KiB, docs/npz.md).
 *
 * <p>Not thread-safe beyond what the stream offers; one per task and file. Close it.
 */
final class HadoopRangeSource extends RangeSource implements Closeable {
  /** Bytes fetched per request when a member is streamed (deflated members). */
  static final int CHUNK = 4 << 20;
  /** Files up to this size read whole are fetched in one read (the codec's zip tail read size). */
  static final int WHOLE_FILE_MAX = 64 * 1024;

  private final Path path;
  /** The open file; null once a whole file has been fetched. */
  private final FSDataInputStream in;
  /** The whole file, when it was fetched in one read; else null. */
  private final byte[] whole;
  /** Ranged reads made (each is one ranged request on an object store). */
  private long reads;
  /** Bytes fetched from the file. */
  private long fetched;

  private HadoopRangeSource(Path path, long length, FSDataInputStream in, byte[] whole) {
    super(path.toString(), length);
    this.path = path;
    this.in = in;
    this.whole = whole;
  }

  /**
   * Opens {@code path} of {@code length} bytes (as listed) through the FileSystem that
   * {@code conf} gives for it, for ranged reads.
   */
  static HadoopRangeSource open(Path path, long length, Configuration conf) throws IOException {
    return open(path, length, conf, false);
  }

  /**
   * As {@link #open(Path, long, Configuration)}; when {@code readWhole} (the caller reads the file,
   * not a byte range of it) and the file is at most {@link #WHOLE_FILE_MAX} bytes, the whole file
   * is fetched here in one read and the stream closed.
   */
  static HadoopRangeSource open(Path path, long length, Configuration conf, boolean readWhole) throws IOException {
    boolean small = readWhole && length <= WHOLE_FILE_MAX;
    FileSystem fs = path.getFileSystem(conf);
    FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path)
        .opt(OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY, small
            ? OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_WHOLE_FILE
            : OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_RANDOM)
        .opt(OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, Long.toString(length))
        .build());
    if (!small) {
      return new HadoopRangeSource(path, length, in, null);
    }
    HadoopRangeSource src;
    try (in) {
      src = new HadoopRangeSource(path, length, null, new byte[(int) length]);
      src.readWhole(in);
    }
    return src;
  }

  private void readWhole(FSDataInputStream from) throws IOException {
    reads++;
    int n = from.readNBytes(whole, 0, whole.length);
    fetched += n;
    if (n != whole.length) {
      throw new EOFException("Cannot read " + path + " at offset " + n + ": the file ends there, before the "
          + whole.length + " bytes listed (changed since?)");
    }
  }

  @Override
  protected byte[] fetch(long offset, int length) throws IOException {
    if (whole != null) {
      return Arrays.copyOfRange(whole, (int) offset, (int) offset + length);
    }
    byte[] b = new byte[length];
    readFully(offset, b, 0, length);
    return b;
  }

  private void readFully(long offset, byte[] b, int off, int length) throws IOException {
    reads++;
    fetched += length;
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
    if (whole != null) {
      return new ByteArrayInputStream(whole, (int) offset, (int) length);
    }
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

  /** Ranged reads made so far (a streamed member counts one per chunk; a whole file, one). */
  @Override
  public long requests() {
    return reads;
  }

  /** Bytes fetched from the file so far (a whole file: its size, whatever the codec asked for). */
  @Override
  public long bytesRead() {
    return fetched;
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }
}
