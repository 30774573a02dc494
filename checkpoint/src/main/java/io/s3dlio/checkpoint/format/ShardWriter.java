package io.s3dlio.checkpoint.format;

import com.github.luben.zstd.Zstd;
import io.s3dlio.checkpoint.TensorSource;
import io.s3dlio.checkpoint.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Streams one shard (header, chunks, index, trailer) to an output stream, reading each tensor
 * source once; a source held in a heap buffer is read in place. Memory is bounded by a few chunks
 * whatever the shard size: one chunk buffer when uncompressed; with zstd, {@code compressAhead + 1}
 * raw chunks and {@code compressAhead} compressed frames, compressed on {@code pool} in parallel and
 * written in order. Each byte is checksummed once; the CRC32Cs of tensors and of the whole shard are
 * combined from those of the chunks ({@link Crc32c#combine}).
 */
public final class ShardWriter {
  /** What was written: the shard's size and CRC32C of all its bytes. */
  public record Result(long size, int crc32c, int tensors, long rawBytes) {
  }

  private final ShardHeader header;
  private final int zstdLevel;
  private final ExecutorService pool;
  private final int compressAhead;

  /**
   * @param pool runs zstd compression (only used when the header says zstd)
   * @param compressAhead most chunks being compressed at once (at least 1)
   */
  public ShardWriter(ShardHeader header, int zstdLevel, ExecutorService pool, int compressAhead) {
    if (header.chunkSize() <= 0) {
      throw new IllegalArgumentException("chunk size " + header.chunkSize());
    }
    this.header = header;
    this.zstdLevel = zstdLevel;
    this.pool = pool;
    this.compressAhead = Math.max(1, compressAhead);
  }

  public Result write(OutputStream target, List<TensorSource> tensors) throws IOException {
    Position out = new Position(target);
    out.write(header.encode());
    List<TensorEntry> entries = new ArrayList<>(tensors.size());
    Set<String> names = new HashSet<>();
    BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(compressAhead + 1);
    long raw = 0;
    for (TensorSource t : tensors) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("Cannot save two tensors named '" + t.name() + "' in one shard (rank "
            + header.rank() + ")");
      }
      entries.add(writeTensor(out, t, buffers));
      raw += t.spec().byteSize();
    }
    byte[] index = new ShardIndex(entries).encode();
    long indexOffset = out.position;
    out.write(index);
    out.write(new ShardTrailer(indexOffset, index.length, Crc32c.of(index)).encode());
    return new Result(out.position, out.crc, entries.size(), raw);
  }

  private TensorEntry writeTensor(Position out, TensorSource t, BlockingQueue<byte[]> buffers) throws IOException {
    TensorSpec spec = t.spec();
    long size = spec.byteSize();
    java.nio.ByteBuffer heap = t.heapBuffer().orElse(null);
    int tensorCrc = 0;
    List<ChunkRef> chunks = new ArrayList<>();
    ArrayDeque<Future<Frame>> pending = new ArrayDeque<>();
    try (InputStream in = heap == null ? t.open() : InputStream.nullInputStream()) {
      long done = 0;
      while (done < size) {
        int n = (int) Math.min(header.chunkSize(), size - done);
        byte[] src;
        int off;
        boolean pooled = heap == null;
        if (pooled) {   // a streamed source: read the chunk into a buffer
          src = buffers.poll();
          src = src != null ? src : new byte[header.chunkSize()];
          off = 0;
          int got = in.readNBytes(src, 0, n);
          if (got < n) {
            throw new IOException("Cannot save tensor '" + spec.name() + "': its source ended after "
                + (done + got) + " of " + size + " bytes");
          }
        } else {        // a heap buffer: read in place
          src = heap.array();
          off = heap.arrayOffset() + heap.position() + (int) done;
        }
        done += n;
        if (!header.zstd()) {
          int crc = Crc32c.of(src, off, n);   // the only pass over these bytes: the rest is combined
          chunks.add(new ChunkRef(out.position, n, n, crc));
          out.write(src, off, n, crc);
          tensorCrc = Crc32c.combine(tensorCrc, crc, n);
          if (pooled) {
            buffers.offer(src);
          }
          continue;
        }
        byte[] chunk = src;
        int at = off;
        pending.add(pool.submit(() -> compress(chunk, at, n, pooled ? buffers : null)));
        while (pending.size() >= compressAhead) {
          Frame f = await(pending.poll());
          chunks.add(emit(out, f));
          tensorCrc = Crc32c.combine(tensorCrc, f.rawCrc, f.rawLength);
        }
      }
      while (!pending.isEmpty()) {
        Frame f = await(pending.poll());
        chunks.add(emit(out, f));
        tensorCrc = Crc32c.combine(tensorCrc, f.rawCrc, f.rawLength);
      }
      if (heap == null && in.read() >= 0) {
        throw new IOException("Cannot save tensor '" + spec.name() + "': its source has more than the " + size
            + " bytes of " + spec.dtype() + java.util.Arrays.toString(spec.shape()));
      }
    } finally {
      for (Future<Frame> f : pending) {
        f.cancel(true);
      }
    }
    return new TensorEntry(spec, tensorCrc, chunks);
  }

  /** A compressed chunk: the frame, its CRC32C, and the raw length and CRC32C. */
  private record Frame(byte[] data, int length, int crc, int rawLength, int rawCrc) {
  }

  /** Compresses (and checksums) one chunk on the pool; a pooled raw buffer goes back to {@code buffers}. */
  private Frame compress(byte[] raw, int off, int n, BlockingQueue<byte[]> buffers) {
    byte[] dst = new byte[(int) Zstd.compressBound(n)];
    int rawCrc = Crc32c.of(raw, off, n);
    long r = Zstd.compressByteArray(dst, 0, dst.length, raw, off, n, zstdLevel);
    if (buffers != null) {
      buffers.offer(raw);
    }
    if (Zstd.isError(r)) {
      throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(r));
    }
    return new Frame(dst, (int) r, Crc32c.of(dst, 0, (int) r), n, rawCrc);
  }

  private static Frame await(Future<Frame> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing a chunk");
    } catch (ExecutionException e) {
      throw new IOException("Cannot compress a chunk: " + e.getCause(), e.getCause());
    }
  }

  private static ChunkRef emit(Position out, Frame f) throws IOException {
    ChunkRef ref = new ChunkRef(out.position, f.length, f.rawLength, f.crc);
    out.write(f.data, 0, f.length, f.crc);
    return ref;
  }

  /** Counts every byte written and keeps the CRC32C of them all. */
  private static final class Position {
    private final OutputStream out;
    private int crc;
    private long position;

    Position(OutputStream out) {
      this.out = out;
    }

    void write(byte[] b) throws IOException {
      write(b, 0, b.length, Crc32c.of(b));
    }

    /** Writes bytes whose CRC32C the caller already has. */
    void write(byte[] b, int off, int len, int crcOfThese) throws IOException {
      out.write(b, off, len);
      crc = Crc32c.combine(crc, crcOfThese, len);
      position += len;
    }
  }
}
