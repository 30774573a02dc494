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
import java.util.Objects;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.OpenFileOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * The codec's {@link RangeSource} over a Hadoop {@link FileSystem}: one stream per file, opened
 * with {@code openFile()} and the file's length (no HEAD request on object stores) and the
 * {@code random} read policy; every range is a vectored read ({@code readVectored}) of exactly that
 * range, so the zip directory and each needed member cost one ranged request each on an object
 * store, and no more bytes than asked for. (Each FileSystem serves vectored reads its best way;
 * positioned {@code readFully(position, ...)} would make Hadoop's LocalFileSystem reopen the file
 * on every read, and a seek-and-read stream fetches read-ahead it then discards.) Compressed
 * members are streamed in chunks of {@link #CHUNK} bytes. The exception is a raw local file
 * ({@link RawLocalFileSystem}, what {@link ReadFileSystems} opens for an {@code .npz} read whole under
 * Hadoop's {@code LocalFileSystem}): its positioned reads are plain {@code FileChannel} reads, so
 * ranges are read that way, without the {@code openFile()} builder's per-file Configuration or the
 * asynchronous channel its vectored read opens per stream; and a file of exactly Hadoop's
 * {@code RawLocalFileSystem} is opened by {@link RawLocalInput}, without the stat of its
 * {@code open}.
 *
 * <p>A file of at most {@link #WHOLE_FILE_MAX} bytes that is read whole (not a row range of it) is
 * fetched in one read, through a buffer of its own size (not {@code io.file.buffer.size}), when it is
 * opened and served from memory: the codec's first read, the zip
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
  /** Stream buffer of a raw local file read by positioned reads only (which bypass it). */
  private static final int POSITIONED_BUFFER = 512;

  private final Path path;
  /** The open file; null once a whole file has been fetched. */
  private final FSDataInputStream in;
  /** The whole file, when it was fetched in one read; else null. */
  private final byte[] whole;
  /** Whether ranges are positioned reads (a raw local file) rather than vectored reads. */
  private final boolean positioned;
  /** Ranged reads made (each is one ranged request on an object store). */
  private long reads;
  /** Bytes fetched from the file. */
  private long fetched;

  private HadoopRangeSource(Path path, String name, long length, FSDataInputStream in, byte[] whole,
      boolean positioned) {
    super(name, length);
    this.path = path;
    this.in = in;
    this.whole = whole;
    this.positioned = positioned;
  }

  /**
   * Opens {@code path} of {@code length} bytes (as listed) through {@code fs}, for ranged reads.
   */
  static HadoopRangeSource open(FileSystem fs, Path path, long length) throws IOException {
    return open(fs, path, length, false);
  }

  /**
   * As {@link #open(FileSystem, Path, long)}; when {@code readWhole} (the caller reads the file,
   * not a byte range of it) and the file is at most {@link #WHOLE_FILE_MAX} bytes, the whole file
   * is fetched here in one read and the stream closed.
   */
  static HadoopRangeSource open(FileSystem fs, Path path, long length, boolean readWhole) throws IOException {
    return open(fs, path, path.toString(), length, readWhole);
  }

  /** As {@link #open(FileSystem, Path, long, boolean)}, with {@code path.toString()} given ({@code name}). */
  static HadoopRangeSource open(FileSystem fs, Path path, String name, long length, boolean readWhole)
      throws IOException {
    boolean small = readWhole && length <= WHOLE_FILE_MAX;
    if (small && RawLocalInput.serves(fs)) {
      // Read straight into the file's buffer: no stream object per file.
      HadoopRangeSource src = new HadoopRangeSource(path, name, length, null, new byte[(int) length], false);
      src.filled(RawLocalInput.read(fs, path, src.whole));
      return src;
    }
    FSDataInputStream in;
    if (RawLocalInput.serves(fs)) {
      // Hadoop's raw file:// FileSystem: the file it maps the path to, without its stat per open.
      in = RawLocalInput.open(fs, path, name);
    } else if (fs instanceof RawLocalFileSystem && !small) {
      // Positioned reads of a raw local file are plain FileChannel reads; its openFile() builder
      // costs a Configuration per file and its vectored read an asynchronous channel per stream.
      in = fs.open(path, POSITIONED_BUFFER);
    } else if (small && "file".equals(fs.getUri().getScheme())) {
      // A local open saves no request with openFile()'s options, and its builder costs a
      // Configuration of its own per file; a buffer of the file's size, not io.file.buffer.size.
      in = fs.open(path, (int) Math.max(1, length));
    } else {
      var builder = fs.openFile(path)
          .opt(OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY, small
              ? OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_WHOLE_FILE
              : OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_RANDOM)
          .opt(OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, Long.toString(length));
      if (small) {
        builder.opt(OpenFileOptions.FS_OPTION_OPENFILE_BUFFER_SIZE, (int) Math.max(1, length));
      }
      in = FutureIO.awaitFuture(builder.build());
    }
    if (!small) {
      return new HadoopRangeSource(path, name, length, in, null, fs instanceof RawLocalFileSystem);
    }
    HadoopRangeSource src;
    try (in) {
      src = new HadoopRangeSource(path, name, length, null, new byte[(int) length], false);
      src.readWhole(in);
    }
    return src;
  }

  private void readWhole(FSDataInputStream from) throws IOException {
    filled(from.readNBytes(whole, 0, whole.length));
  }

  /** Counts the read of the whole file, which gave {@code n} bytes. */
  private void filled(int n) throws EOFException {
    reads++;
    fetched += n;
    if (n != whole.length) {
      throw new EOFException("Cannot read " + path + " at offset " + n + ": the file ends there, before the "
          + whole.length + " bytes listed (changed since?)");
    }
  }

  @Override
  protected byte[] fetch(long offset, int length) throws IOException {
    if (whole != null) {
      // the whole file itself when that is the range: only the zip directory's tail read of a
      // small file asks for all of it, and it only parses it (arrays adopted by the codec, which
      // may swap bytes in place, come from ranges inside the file: copies)
      return offset == 0 && length == whole.length ? whole
          : Arrays.copyOfRange(whole, (int) offset, (int) offset + length);
    }
    ByteBuffer data = readRange(offset, length);
    if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0 && data.array().length == length) {
      return data.array(); // the buffer the read filled, exactly the range: no copy
    }
    byte[] b = new byte[length];
    data.get(b);
    return b;
  }

  /** One vectored read of exactly {@code [offset, offset + length)}; the buffer holds just that. */
  private ByteBuffer readRange(long offset, int length) throws IOException {
    reads++;
    fetched += length;
    if (positioned) {
      byte[] b = new byte[length];
      readFully(offset, b, 0, length);
      return ByteBuffer.wrap(b);
    }
    try {
      FileRange range = FileRange.createFileRange(offset, length);
      in.readVectored(List.of(range), ByteBuffer::allocate);
      ByteBuffer data = FutureIO.awaitFuture(range.getData());
      if (data.remaining() != length) {
        throw new EOFException("read " + data.remaining() + " of " + length + " bytes");
      }
      return data;
    } catch (EOFException e) {
      throw ended(offset, length, e);
    }
  }

  /** A positioned read of exactly {@code len} bytes at {@code offset} into {@code b}. */
  private void readFully(long offset, byte[] b, int off, int len) throws IOException {
    try {
      in.readFully(offset, b, off, len);
    } catch (EOFException e) {
      throw ended(offset, len, e);
    }
  }

  private EOFException ended(long offset, int length, EOFException e) {
    EOFException x = new EOFException("Cannot read " + path + " at offset " + offset + ": the file ends before "
        + length + " bytes could be read (listed as " + size() + " bytes; changed since?): " + e.getMessage());
    x.initCause(e);
    return x;
  }

  @Override
  protected InputStream stream(long offset, long length) {
    if (whole != null) {
      return new ByteArrayInputStream(whole, (int) offset, (int) length);
    }
    if (positioned) {
      return new PositionedStream(offset, length);
    }
    return new InputStream() {
      /** The current chunk: bytes {@code [at, limit)} of {@code buf} are still to be read. */
      private byte[] buf = new byte[0];
      private int at;
      private int limit;
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
        int n = Math.min(len, limit - at);
        System.arraycopy(buf, at, b, off, n);
        at += n;
        return n;
      }

      /** Skips within the chunk read, and past it without fetching. */
      @Override
      public long skip(long n) {
        if (n <= 0) {
          return 0;
        }
        long inChunk = Math.min(n, limit - at);
        at += (int) inChunk;
        long past = Math.min(n - inChunk, end - next);
        next += past;
        return inChunk + past;
      }

      private boolean fill() throws IOException {
        if (at < limit) {
          return true;
        }
        if (next >= end) {
          return false;
        }
        int n = (int) Math.min(CHUNK, end - next);
        ByteBuffer data = readRange(next, n);
        next += n;
        if (data.hasArray()) { // read from the buffer the read filled: no copy
          buf = data.array();
          at = data.arrayOffset() + data.position();
        } else {
          buf = new byte[n];
          data.get(buf);
          at = 0;
        }
        limit = at + n;
        return true;
      }
    };
  }

  /**
   * Bytes {@code [offset, offset + length)} of a raw local file read straight into the caller's
   * buffers, one positioned read per read call, with no chunk of its own: the codec reads a stored
   * member in slices of a few hundred KiB into the array's own buffer, where a chunk would cost
   * the member's size again in memory (a 4 MiB array per 4 MiB member) and one more copy. Counted
   * as one ranged read, as a chunked stream of one chunk is.
   */
  private final class PositionedStream extends InputStream {
    private final long end;
    private final byte[] one = new byte[1];
    private long next;
    private boolean started;

    PositionedStream(long offset, long length) {
      this.next = offset;
      this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (next >= end) {
        return -1;
      }
      if (!started) {
        started = true;
        reads++;
      }
      int n = (int) Math.min(len, end - next);
      readFully(next, b, off, n);
      next += n;
      fetched += n;
      return n;
    }

    /** Skips without reading. */
    @Override
    public long skip(long n) {
      long s = Math.max(0, Math.min(n, end - next));
      next += s;
      return s;
    }
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
