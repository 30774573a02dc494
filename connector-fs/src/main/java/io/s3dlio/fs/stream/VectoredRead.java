package io.s3dlio.fs.stream;

import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_BYTES;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_EXCEPTIONS;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_OPENED;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_OPERATIONS;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_TOTAL_BYTES;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.STREAM_READ_VECTORED_READ_BYTES_DISCARDED;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.impl.CombinedFileRange;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * The fetch of one {@code readVectored} call: its merged ranges are read by at most
 * {@code concurrency} tasks on the FileSystem's pool, each taking the next merged range until none
 * is left. A merged range is one ranged GET (one pinned-version {@link RangeSource#open}) whose
 * bytes go straight into the caller's buffers, range after range: each range's future completes
 * as soon as its own bytes are in, and the gaps between ranges (at most the merge distance) are
 * read and dropped. Buffers come from the caller's {@code allocate}; a buffer whose range fails is
 * handed back to {@code release} before its future fails. On a local file (positional reads) every
 * range is one {@code pread} into its buffer, heap or direct, without a merged GET.
 */
final class VectoredRead {
  /** Size of the heap buffer that carries bytes into direct buffers and over gaps. */
  private static final int SCRATCH = 64 << 10;

  private final String path;
  private final RangeSource source;
  private final List<CombinedFileRange> merged;
  private final IntFunction<ByteBuffer> allocate;
  private final Consumer<ByteBuffer> release;
  private final IOStatisticsStore stats;
  private final BooleanSupplier closed;
  private final AtomicInteger next = new AtomicInteger();

  VectoredRead(String path, RangeSource source, List<CombinedFileRange> merged, IntFunction<ByteBuffer> allocate,
      Consumer<ByteBuffer> release, IOStatisticsStore stats, BooleanSupplier closed) {
    this.path = path;
    this.source = source;
    this.merged = merged;
    this.allocate = allocate;
    this.release = release;
    this.stats = stats;
    this.closed = closed;
  }

  /** Starts up to {@code concurrency} fetching tasks on {@code executor}. */
  void start(Executor executor, int concurrency) {
    int tasks = Math.min(Math.max(1, concurrency), merged.size());
    for (int i = 0; i < tasks; i++) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // the FileSystem is closed: fail what no task will take
        IOException err = new IOException("readVectored " + path + ": the FileSystem is closed", e);
        int k;
        while ((k = next.getAndIncrement()) < merged.size()) {
          fail(merged.get(k).getUnderlying(), 0, err);
        }
        return;
      }
    }
  }

  private void drain() {
    int k;
    while ((k = next.getAndIncrement()) < merged.size()) {
      fetch(merged.get(k));
    }
  }

  private void fetch(CombinedFileRange c) {
    List<FileRange> ranges = c.getUnderlying();
    int done = 0;
    ByteBuffer pending = null;
    try {
      if (closed.getAsBoolean()) {
        throw new IOException("readVectored " + path + ": " + FSExceptionMessages.STREAM_IS_CLOSED);
      }
      if (source.positional()) {
        for (FileRange r : ranges) {
          pending = allocate.apply(r.getLength());
          source.readFully(r.getOffset(), pending);
          complete(r, pending);
          pending = null;
          done++;
        }
        return;
      }
      byte[] scratch = null;
      try (InputStream in = source.open(c.getOffset(), c.getLength())) {
        stats.incrementCounter(STREAM_READ_OPENED);
        long at = c.getOffset();
        for (FileRange r : ranges) {
          if (closed.getAsBoolean()) {
            throw new IOException("readVectored " + path + " at " + r.getOffset() + ": "
                + FSExceptionMessages.STREAM_IS_CLOSED);
          }
          long gap = r.getOffset() - at;
          if (gap > 0) {
            scratch = scratch == null ? new byte[SCRATCH] : scratch;
            skip(in, gap, scratch, at);
            stats.incrementCounter(STREAM_READ_VECTORED_READ_BYTES_DISCARDED, gap);
          }
          pending = allocate.apply(r.getLength());
          if (pending.hasArray()) {
            readFully(in, pending.array(), pending.arrayOffset() + pending.position(), r.getLength(), r.getOffset());
            pending.position(pending.position() + r.getLength());
          } else {
            scratch = scratch == null ? new byte[SCRATCH] : scratch;
            for (int copied = 0; copied < r.getLength(); ) {
              int n = Math.min(scratch.length, r.getLength() - copied);
              readFully(in, scratch, 0, n, r.getOffset() + copied);
              pending.put(scratch, 0, n);
              copied += n;
            }
          }
          complete(r, pending);
          pending = null;
          done++;
          at = r.getOffset() + r.getLength();
        }
      }
    } catch (Throwable t) {
      if (pending != null) {
        release.accept(pending);
      }
      stats.incrementCounter(STREAM_READ_EXCEPTIONS);
      Throwable err = t instanceof IOException ? t
          : new IOException("readVectored " + path + " at " + c.getOffset() + ": " + t, t);
      fail(ranges, done, err);
    }
  }

  private void complete(FileRange r, ByteBuffer b) {
    b.flip();
    stats.incrementCounter(STREAM_READ_OPERATIONS);
    stats.incrementCounter(STREAM_READ_BYTES, r.getLength());
    stats.incrementCounter(STREAM_READ_TOTAL_BYTES, r.getLength());
    r.getData().complete(b);
  }

  private static void fail(List<FileRange> ranges, int from, Throwable err) {
    for (int i = from; i < ranges.size(); i++) {
      ranges.get(i).getData().completeExceptionally(err);
    }
  }

  private void readFully(InputStream in, byte[] b, int off, int len, long at) throws IOException {
    int done = 0;
    while (done < len) {
      int n = in.read(b, off + done, len - done);
      if (n < 0) {
        throw new EOFException("readVectored " + path + ": end of object at " + (at + done) + " inside range ["
            + at + ", " + (at + len) + ")");
      }
      done += n;
    }
  }

  private void skip(InputStream in, long gap, byte[] scratch, long at) throws IOException {
    for (long left = gap; left > 0; ) {
      int n = (int) Math.min(scratch.length, left);
      readFully(in, scratch, 0, n, at + gap - left);
      left -= n;
    }
  }
}
