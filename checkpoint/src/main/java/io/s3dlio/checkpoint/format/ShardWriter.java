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
import java.util.zip.CRC32C;

/**
 * Streams one shard (header, chunks, index, trailer) to an output stream, reading each tensor
 * source once. Memory is bounded by a few chunks whatever the shard size: one chunk buffer when
 * uncompressed; with zstd, {@code compressAhead + 1} raw chunks and {@code compressAhead}
 * compressed frames, compressed on {@code pool} in parallel and written in order.
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
    return new Result(out.position, (int) out.crc.getValue(), entries.size(), raw);
  }

  private TensorEntry writeTensor(Position out, TensorSource t, BlockingQueue<byte[]> buffers) throws IOException {
    TensorSpec spec = t.spec();
    long size = spec.byteSize();
    CRC32C tensorCrc = new CRC32C();
    List<ChunkRef> chunks = new ArrayList<>();
    ArrayDeque<Future<Frame>> pending = new ArrayDeque<>();
    try (InputStream in = t.open()) {
      long left = size;
      while (left > 0) {
        int n = (int) Math.min(header.chunkSize(), left);
        byte[] buf = buffers.poll();
        if (buf == null) {
          buf = new byte[header.chunkSize()];
        }
        int got = in.readNBytes(buf, 0, n);
        if (got < n) {
          throw new IOException("Cannot save tensor '" + spec.name() + "': its source ended after "
              + (size - left + got) + " of " + size + " bytes");
        }
        tensorCrc.update(buf, 0, n);
        left -= n;
        if (!header.zstd()) {
          chunks.add(new ChunkRef(out.position, n, n, Crc32c.of(buf, 0, n)));
          out.write(buf, 0, n);
          buffers.offer(buf);
          continue;
        }
        byte[] chunk = buf;
        pending.add(pool.submit(() -> compress(chunk, n, buffers)));
        while (pending.size() >= compressAhead) {
          chunks.add(emit(out, pending.poll()));
        }
      }
      while (!pending.isEmpty()) {
        chunks.add(emit(out, pending.poll()));
      }
      if (in.read() >= 0) {
        throw new IOException("Cannot save tensor '" + spec.name() + "': its source has more than the " + size
            + " bytes of " + spec.dtype() + java.util.Arrays.toString(spec.shape()));
      }
    } finally {
      for (Future<Frame> f : pending) {
        f.cancel(true);
      }
    }
    return new TensorEntry(spec, (int) tensorCrc.getValue(), chunks);
  }

  private record Frame(byte[] data, int length, int rawLength) {
  }

  private Frame compress(byte[] raw, int n, BlockingQueue<byte[]> buffers) {
    byte[] dst = new byte[(int) Zstd.compressBound(n)];
    long r = Zstd.compressByteArray(dst, 0, dst.length, raw, 0, n, zstdLevel);
    buffers.offer(raw);
    if (Zstd.isError(r)) {
      throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(r));
    }
    return new Frame(dst, (int) r, n);
  }

  private static ChunkRef emit(Position out, Future<Frame> f) throws IOException {
    Frame fr;
    try {
      fr = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing a chunk");
    } catch (ExecutionException e) {
      throw new IOException("Cannot compress a chunk: " + e.getCause(), e.getCause());
    }
    ChunkRef ref = new ChunkRef(out.position, fr.length, fr.rawLength, Crc32c.of(fr.data, 0, fr.length));
    out.write(fr.data, 0, fr.length);
    return ref;
  }

  /** Counts and checksums every byte written. */
  private static final class Position {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private long position;

    Position(OutputStream out) {
      this.out = out;
    }

    void write(byte[] b) throws IOException {
      write(b, 0, b.length);
    }

    void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      position += len;
    }
  }
}
