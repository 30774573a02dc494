package io.s3dlio.checkpoint.format;

import com.github.luben.zstd.Zstd;
import io.s3dlio.checkpoint.CheckpointCorruptException;
import io.s3dlio.checkpoint.CheckpointException;
import io.s3dlio.store.ObjectStore;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.zip.CRC32C;

/**
 * Reads one shard with ranged requests: {@link #open} checks its size against the manifest and
 * reads the header, trailer and index (two or three small requests); tensors are then read by
 * ranges of whole chunks, in parallel on the given executor, each chunk's CRC32C checked before it
 * is decoded and each tensor's CRC32C checked over its raw bytes.
 *
 * <p>Thread-safe once open.
 */
public final class ShardReader {
  /** Bytes read from the start to find the header (headers are at most 242 bytes). */
  private static final int HEAD_READ = 256;
  /** Bytes read from the end at open: the trailer and, usually, the whole index. */
  private static final int TAIL_READ = 64 << 10;
  /** Largest index accepted (1 GiB): guards against a corrupt length. */
  private static final long MAX_INDEX = 1L << 30;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final ObjectStore store;
  private final ShardContext ctx;
  private final long size;
  private final ShardHeader header;
  private final ShardIndex index;
  private final Executor pool;
  private final int rangeSize;

  private ShardReader(ObjectStore store, ShardContext ctx, long size, ShardHeader header, ShardIndex index,
      Executor pool, int rangeSize) {
    this.store = store;
    this.ctx = ctx;
    this.size = size;
    this.header = header;
    this.index = index;
    this.pool = pool;
    this.rangeSize = rangeSize;
  }

  /**
   * Opens the shard of {@code ctx}.
   *
   * @param expectedSize the size the manifest records, or -1 when unknown
   * @param rangeSize the most bytes one ranged read asks for (whole chunks; at least one)
   * @throws CheckpointCorruptException when the shard is missing, has the wrong size, or its header,
   *     trailer or index fail their checks
   */
  public static ShardReader open(ObjectStore store, ShardContext ctx, long expectedSize, Executor pool, int rangeSize)
      throws IOException {
    long size;
    try {
      size = store.stat(ctx.uri()).size();
    } catch (FileNotFoundException e) {
      CheckpointCorruptException c = ctx.corrupt("shard", null, "the shard is missing", -1, null, null);
      c.initCause(e);
      throw c;
    }
    if (expectedSize >= 0 && size != expectedSize) {
      throw ctx.corrupt("shard", null, "the shard is " + size + " bytes, the manifest records " + expectedSize
          + " (truncated or appended to)", -1, null, null);
    }
    if (size < ShardHeader.FIXED_LENGTH + ShardTrailer.LENGTH) {
      throw ctx.corrupt("shard", null, "the shard is " + size + " bytes, too short for a header and a trailer", -1,
          null, null);
    }
    try {
      ShardHeader header = ShardHeader.decode(store.getRange(ctx.uri(), 0, (int) Math.min(HEAD_READ, size)));
      ctx.check(header);
      int tailLength = (int) Math.min(TAIL_READ, size - header.length());
      long tailStart = size - tailLength;
      byte[] tail = readExactly(store, ctx, tailStart, tailLength);
      ShardTrailer trailer = ShardTrailer.decode(java.util.Arrays.copyOfRange(tail, tailLength - ShardTrailer.LENGTH,
          tailLength), size, header.length());
      if (trailer.indexLength() > MAX_INDEX) {
        throw new FormatException("trailer", "index length " + trailer.indexLength() + " is implausible",
            size - ShardTrailer.LENGTH, null, null);
      }
      byte[] idx = trailer.indexOffset() >= tailStart
          ? java.util.Arrays.copyOfRange(tail, (int) (trailer.indexOffset() - tailStart),
              (int) (trailer.indexOffset() - tailStart + trailer.indexLength()))
          : readExactly(store, ctx, trailer.indexOffset(), (int) trailer.indexLength());
      int actual = Crc32c.of(idx);
      if (actual != trailer.indexCrc32c()) {
        throw new FormatException("index", "index CRC32C mismatch", trailer.indexOffset(), trailer.indexCrc32c(), actual);
      }
      ShardIndex index = ShardIndex.decode(idx, trailer.indexOffset(), header.length(), header.chunkSize(), header.zstd());
      return new ShardReader(store, ctx, size, header, index, pool, Math.max(rangeSize, header.chunkSize()));
    } catch (FormatException e) {
      throw ctx.corrupt(e);
    }
  }

  private static byte[] readExactly(ObjectStore store, ShardContext ctx, long offset, int length) throws IOException {
    byte[] b;
    try {
      b = store.getRange(ctx.uri(), offset, length);
    } catch (EOFException e) {
      b = new byte[0];
    }
    if (b.length != length) {
      throw ctx.corrupt("shard", null, "read " + b.length + " of " + length + " bytes at offset " + offset
          + " (the shard changed while being read?)", offset, null, null);
    }
    return b;
  }

  public ShardHeader header() {
    return header;
  }

  public ShardIndex index() {
    return index;
  }

  public long size() {
    return size;
  }

  public ShardContext context() {
    return ctx;
  }

  /** The index entry of {@code name}, or a {@link CheckpointException} naming the shard's tensors count. */
  public TensorEntry entry(String name) throws CheckpointException {
    TensorEntry e = index.get(name);
    if (e == null) {
      throw new CheckpointException("No tensor '" + name + "' in " + ctx.label() + " rank " + ctx.rank() + " ("
          + index.tensors().size() + " tensors in " + ctx.uri() + ")");
    }
    return e;
  }

  /**
   * Reads one tensor's raw bytes into a new array, by parallel ranged reads; the future fails with a
   * {@link CheckpointCorruptException} when a checksum does not match.
   */
  public CompletableFuture<byte[]> readAsync(TensorEntry t) {
    if (t.size() > MAX_ARRAY) {
      return CompletableFuture.failedFuture(new CheckpointException("Cannot read tensor '" + t.name() + "' of "
          + ctx.label() + " rank " + ctx.rank() + " into one array: " + t.size() + " bytes; use stream()"));
    }
    byte[] dest = new byte[(int) t.size()];
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    List<ChunkRef> chunks = t.chunks();
    long[] rawOffsets = rawOffsets(chunks);
    int i = 0;
    while (i < chunks.size()) {
      int first = i;
      long bytes = chunks.get(i).storedLength();
      i++;
      while (i < chunks.size() && bytes + chunks.get(i).storedLength() <= rangeSize) {
        bytes += chunks.get(i).storedLength();
        i++;
      }
      int last = i;
      long len = bytes;
      parts.add(CompletableFuture.runAsync(() -> {
        try {
          if (!header.zstd()) {
            readInto(chunks.get(first).offset(), dest, (int) rawOffsets[first], (int) len);
            return;   // raw chunks are checked by the tensor's CRC32C below (and located if it fails)
          }
          byte[] src = readExactly(store, ctx, chunks.get(first).offset(), (int) len);
          int off = 0;
          for (int k = first; k < last; k++) {
            decode(t, k, src, off, dest, (int) rawOffsets[k]);
            off += chunks.get(k).storedLength();
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, pool));
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      int actual = Crc32c.of(dest);
      if (actual != t.crc32c()) {
        if (!header.zstd()) {
          for (int k = 0; k < chunks.size(); k++) {   // name the damaged chunk
            ChunkRef c = chunks.get(k);
            int crc = Crc32c.of(dest, (int) rawOffsets[k], c.rawLength());
            if (crc != c.crc32c()) {
              throw new CompletionException(ctx.corrupt(null, t.name(), "CRC32C of chunk " + k + " (raw, "
                  + c.storedLength() + " bytes) does not match", c.offset(), c.crc32c(), crc));
            }
          }
        }
        throw new CompletionException(ctx.corrupt(null, t.name(), "CRC32C of the raw bytes does not match",
            chunks.isEmpty() ? -1 : chunks.get(0).offset(), t.crc32c(), actual));
      }
      return dest;
    });
  }

  /** Reads {@code length} stored bytes at {@code offset} straight into {@code dest} (no copy). */
  private void readInto(long offset, byte[] dest, int destOffset, int length) throws IOException {
    int n;
    try (InputStream in = store.openRange(ctx.uri(), offset, length)) {
      n = in.readNBytes(dest, destOffset, length);
    } catch (EOFException e) {
      n = 0;
    }
    if (n != length) {
      throw ctx.corrupt("shard", null, "read " + n + " of " + length + " bytes at offset " + offset
          + " (the shard changed while being read?)", offset, null, null);
    }
  }

  /** {@link #readAsync} and wait. */
  public byte[] read(TensorEntry t) throws IOException {
    return await(readAsync(t));
  }

  /** The cause of a failed future, as the IOException the caller expects. */
  public static <T> T await(CompletableFuture<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading a checkpoint");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while ((c instanceof CompletionException || c instanceof UncheckedIOException) && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(c);
    }
  }

  private static long[] rawOffsets(List<ChunkRef> chunks) {
    long[] o = new long[chunks.size()];
    long at = 0;
    for (int k = 0; k < o.length; k++) {
      o[k] = at;
      at += chunks.get(k).rawLength();
    }
    return o;
  }

  /** Checks chunk {@code k} of {@code t} found at {@code src[off]} and decodes it to {@code dst[dstOff]}. */
  private void decode(TensorEntry t, int k, byte[] src, int off, byte[] dst, int dstOff) throws CheckpointCorruptException {
    ChunkRef c = t.chunks().get(k);
    int actual = Crc32c.of(src, off, c.storedLength());
    if (actual != c.crc32c()) {
      throw ctx.corrupt(null, t.name(), "CRC32C of chunk " + k + " (" + (header.zstd() ? "zstd frame" : "raw")
          + ", " + c.storedLength() + " bytes) does not match", c.offset(), c.crc32c(), actual);
    }
    if (!header.zstd()) {
      System.arraycopy(src, off, dst, dstOff, c.rawLength());
      return;
    }
    long n = Zstd.decompressByteArray(dst, dstOff, c.rawLength(), src, off, c.storedLength());
    if (Zstd.isError(n) || n != c.rawLength()) {
      throw ctx.corrupt(null, t.name(), "chunk " + k + " does not decompress to " + c.rawLength() + " bytes ("
          + (Zstd.isError(n) ? Zstd.getErrorName(n) : n + " bytes") + ")", c.offset(), null, null);
    }
  }

  /**
   * A stream of one tensor's raw bytes, read chunk by chunk with up to {@code readAhead} chunks
   * fetched in parallel ahead of the reader; memory stays at {@code readAhead} chunks whatever the
   * tensor size. The tensor's CRC32C is checked when the last byte is read.
   */
  public InputStream stream(TensorEntry t, int readAhead) {
    return new TensorStream(t, Math.max(1, readAhead));
  }

  /**
   * Reads the whole shard once, in order, checking every chunk and tensor, and returns the CRC32C of
   * all its bytes (for the caller to compare with the manifest).
   */
  public int verifyAll() throws IOException {
    CRC32C whole = new CRC32C();
    try (InputStream in = store.openRange(ctx.uri(), 0, size)) {
      byte[] head = in.readNBytes(header.length());
      whole.update(head);
      byte[] buf = new byte[0];
      for (TensorEntry t : index.tensors()) {
        CRC32C tc = new CRC32C();
        for (int k = 0; k < t.chunks().size(); k++) {
          ChunkRef c = t.chunks().get(k);
          if (buf.length < c.storedLength()) {
            buf = new byte[Math.max(c.storedLength(), header.chunkSize())];
          }
          int got = in.readNBytes(buf, 0, c.storedLength());
          if (got != c.storedLength()) {
            throw ctx.corrupt(null, t.name(), "the shard ends inside chunk " + k, c.offset() + got, null, null);
          }
          whole.update(buf, 0, got);
          byte[] raw = new byte[c.rawLength()];
          decode(t, k, buf, 0, raw, 0);
          tc.update(raw);
        }
        if ((int) tc.getValue() != t.crc32c()) {
          throw ctx.corrupt(null, t.name(), "CRC32C of the raw bytes does not match",
              t.chunks().isEmpty() ? -1 : t.chunks().get(0).offset(), t.crc32c(), (int) tc.getValue());
        }
      }
      byte[] rest = in.readAllBytes();
      whole.update(rest);
    }
    return (int) whole.getValue();
  }

  private final class TensorStream extends InputStream {
    private final TensorEntry t;
    private final int ahead;
    private final ArrayDeque<CompletableFuture<byte[]>> queue = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private int nextChunk;
    private byte[] current = new byte[0];
    private int pos;
    private boolean checked;

    TensorStream(TensorEntry t, int ahead) {
      this.t = t;
      this.ahead = ahead;
    }

    private void fill() {
      while (queue.size() < ahead && nextChunk < t.chunks().size()) {
        int k = nextChunk++;
        ChunkRef c = t.chunks().get(k);
        queue.add(CompletableFuture.supplyAsync(() -> {
          try {
            byte[] src = readExactly(store, ctx, c.offset(), c.storedLength());
            byte[] raw = new byte[c.rawLength()];
            decode(t, k, src, 0, raw, 0);
            return raw;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, pool));
      }
    }

    private boolean advance() throws IOException {
      while (pos >= current.length) {
        fill();
        CompletableFuture<byte[]> f = queue.poll();
        if (f == null) {
          if (!checked) {
            checked = true;
            int actual = (int) crc.getValue();
            if (actual != t.crc32c()) {
              throw ctx.corrupt(null, t.name(), "CRC32C of the raw bytes does not match",
                  t.chunks().isEmpty() ? -1 : t.chunks().get(0).offset(), t.crc32c(), actual);
            }
          }
          return false;
        }
        current = await(f);
        crc.update(current);
        pos = 0;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return advance() ? current[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!advance()) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() {
      for (CompletableFuture<byte[]> f : queue) {
        f.cancel(true);
      }
      queue.clear();
    }
  }
}
