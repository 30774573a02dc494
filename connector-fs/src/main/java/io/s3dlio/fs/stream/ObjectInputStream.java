package io.s3dlio.fs.stream;

import static org.apache.hadoop.fs.statistics.StreamStatisticNames.*;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.ByteBufferPositionedReadable;
import org.apache.hadoop.fs.ByteBufferReadable;
import org.apache.hadoop.fs.CanUnbuffer;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.VectoredReadUtils;
import org.apache.hadoop.fs.impl.CombinedFileRange;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * A seekable input stream over one object (or local file) of known length.
 *
 * <p>Sequential reads come from one open GET ({@link RangeSource#open}) whose length follows the
 * read policy (see {@link ReadPolicy}); a forward seek within {@code readahead} bytes skips inside
 * the open GET, any other seek closes it lazily and the next read opens a new one. On a remote
 * object, a GET that runs to the end of the file or split (sequential, whole-file and adaptive
 * policies) is a {@link ReadAhead} instead: consecutive parts, several GETs in flight, in bounded
 * memory, and a forward seek anywhere inside its window costs no request. Positioned
 * reads ({@code read(long, ...)}, {@code readFully(long, ...)}, the ByteBuffer variants) and
 * vectored reads are stateless ranged reads: thread-safe, and they never move {@link #getPos()}.
 * Every GET of one stream reads one version of the object (see {@link StoreRangeSource}): if the
 * object is replaced while the stream is open, the next GET fails with
 * {@link io.s3dlio.fs.RemoteFileChangedException}. After {@link #close()} every call fails with
 * "Stream is closed!", vectored reads still queued included, and nothing is reopened.
 *
 * <p>Errors name the path and the offset.
 */
public final class ObjectInputStream extends FSInputStream implements ByteBufferReadable,
    ByteBufferPositionedReadable, CanUnbuffer, StreamCapabilities, IOStatisticsSource {

  /**
   * Settings of one stream.
   *
   * @param readahead smallest GET of a random read; farthest forward seek skipped inside an open GET
   * @param minSeek vectored reads: ranges closer than this share one GET
   * @param maxMerged vectored reads: largest merged GET
   * @param splitEnd end of the caller's split (0: unknown)
   * @param vectoredConcurrency vectored reads: merged GETs in flight per call
   * @param prefetchDepth sequential reads of a remote object: parts in flight ({@link ReadAhead}); 0: one long GET
   * @param prefetchPart sequential reads: largest part
   */
  public record Options(ReadPolicy policy, long readahead, int minSeek, int maxMerged, long splitEnd,
      int vectoredConcurrency, int prefetchDepth, int prefetchPart) {
  }

  /** The first part of a read-ahead; later parts double up to {@link Options#prefetchPart()}. */
  static final int FIRST_PART = 1 << 20;

  private final String path;
  private final RangeSource source;
  private final long length;
  private final Options options;
  private final Executor executor;
  private final FileSystem.Statistics fsStats;
  private final IOStatisticsStore stats;

  /** Effective policy (adaptive turns into random on a backward seek). */
  private volatile ReadPolicy policy;
  /** Position of the next read() (where seek() puts it). */
  private long pos;
  /** The open GET, or null. */
  private InputStream in;
  /** Offset in the object of the next byte {@link #in} returns. */
  private long inPos;
  /** End (exclusive) of the range {@link #in} was opened for. */
  private long inEnd;
  private boolean firstGet = true;
  private volatile boolean closed;

  public ObjectInputStream(String path, RangeSource source, long length, Options options, Executor executor,
      FileSystem.Statistics fsStats) {
    this.path = path;
    this.source = source;
    this.length = length;
    this.options = options;
    this.executor = executor;
    this.fsStats = fsStats;
    this.policy = options.policy();
    this.stats = IOStatisticsBinding.iostatisticsStore()
        .withCounters(STREAM_READ_BYTES, STREAM_READ_OPERATIONS, STREAM_READ_OPENED, STREAM_READ_CLOSE_OPERATIONS,
            STREAM_READ_SEEK_OPERATIONS, STREAM_READ_SEEK_BACKWARD_OPERATIONS, STREAM_READ_SEEK_FORWARD_OPERATIONS,
            STREAM_READ_SEEK_POLICY_CHANGED, STREAM_READ_UNBUFFERED, STREAM_READ_EXCEPTIONS,
            STREAM_READ_VECTORED_OPERATIONS, STREAM_READ_VECTORED_INCOMING_RANGES,
            STREAM_READ_VECTORED_COMBINED_RANGES, STREAM_READ_VECTORED_READ_BYTES_DISCARDED, STREAM_READ_TOTAL_BYTES,
            STREAM_READ_PREFETCH_OPERATIONS, STREAM_READ_PREFETCHED_BYTES)
        .withCounters(LocalFileRangeSource.FADVISE_COUNTERS)
        .build();
    source.statistics(stats);
    source.policy(policy);
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException(path + ": " + FSExceptionMessages.STREAM_IS_CLOSED);
    }
  }

  @Override
  public synchronized void seek(long target) throws IOException {
    checkOpen();
    if (target < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + " " + target + " in " + path);
    }
    if (target > length) {
      throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF + ": seek to " + target + " in " + path
          + " of length " + length);
    }
    if (target != pos) {
      stats.incrementCounter(STREAM_READ_SEEK_OPERATIONS);
      stats.incrementCounter(target < pos ? STREAM_READ_SEEK_BACKWARD_OPERATIONS : STREAM_READ_SEEK_FORWARD_OPERATIONS);
    }
    pos = target;
  }

  @Override
  public synchronized long getPos() throws IOException {
    return pos;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public synchronized int available() throws IOException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, length - pos);
  }

  @Override
  public synchronized long skip(long n) throws IOException {
    checkOpen();
    if (n <= 0) {
      return 0;
    }
    long k = Math.min(n, length - pos);
    seek(pos + k);
    return k;
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    checkOpen();
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (pos >= length) {
      return -1;
    }
    ensureGet(len);
    int n;
    try {
      n = in.read(b, off, (int) Math.min(len, inEnd - inPos));
    } catch (org.apache.hadoop.fs.PathIOException e) {
      stats.incrementCounter(STREAM_READ_EXCEPTIONS);
      closeGet();
      throw e;
    } catch (io.s3dlio.store.ObjectChangedException e) {
      // a body resumed after a broken connection found another version
      stats.incrementCounter(STREAM_READ_EXCEPTIONS);
      closeGet();
      throw new io.s3dlio.fs.RemoteFileChangedException(path, "read at " + pos, e.getMessage(), e);
    } catch (IOException e) {
      stats.incrementCounter(STREAM_READ_EXCEPTIONS);
      closeGet();
      throw new IOException("read " + path + " at " + pos + ": " + e.getMessage(), e);
    }
    if (n < 0) {
      closeGet();
      throw new EOFException("read " + path + " at " + pos + ": the object ended before its length " + length
          + " (was it replaced?)");
    }
    pos += n;
    inPos += n;
    count(n);
    return n;
  }

  private void count(int n) {
    countStream(n);
    if (fsStats != null) {
      fsStats.incrementBytesRead(n);
    }
  }

  /**
   * The stream's own counters only. FileSystem.Statistics are thread-level (Spark reads the task
   * thread's), so bytes fetched on pool threads are counted there by the caller instead.
   */
  private void countStream(int n) {
    stats.incrementCounter(STREAM_READ_OPERATIONS);
    stats.incrementCounter(STREAM_READ_BYTES, n);
    stats.incrementCounter(STREAM_READ_TOTAL_BYTES, n);
  }

  /** Makes {@link #in} deliver the byte at {@link #pos}. */
  private void ensureGet(int wanted) throws IOException {
    if (in != null && pos == inPos && inPos < inEnd) {
      return;
    }
    if (in instanceof ReadAhead ahead && pos > inPos && ahead.moveTo(pos)) {
      inPos = pos;
      return;
    }
    if (in != null && pos > inPos && pos < inEnd && pos - inPos <= options.readahead()) {
      try {
        in.skipNBytes(pos - inPos);
        inPos = pos;
        return;
      } catch (IOException e) {
        closeGet();
      }
    }
    boolean backward = in != null && pos < inPos;
    closeGet();
    if (backward && policy == ReadPolicy.ADAPTIVE) {
      policy = ReadPolicy.RANDOM;
      source.policy(policy);
      stats.incrementCounter(STREAM_READ_SEEK_POLICY_CHANGED);
    }
    long end;
    if (policy.longGets()) {
      end = length;
      if (firstGet && options.splitEnd() > pos && options.splitEnd() < length) {
        // a split reader reads a little past its end; the rest of the file is another task's
        end = Math.min(length, options.splitEnd() + Math.max(options.readahead(), 1L << 20));
      }
    } else {
      end = Math.min(length, pos + Math.max(options.readahead(), wanted));
    }
    firstGet = false;
    if (policy.longGets() && options.prefetchDepth() > 0 && !source.positional() && end - pos > FIRST_PART) {
      // several ranged GETs in flight: ReadAhead counts each one it opens
      int maxPart = Math.max(FIRST_PART, options.prefetchPart());
      in = new ReadAhead(path, source, executor, stats, pos, end,
          new ReadAhead.Sizing(options.prefetchDepth(), FIRST_PART, maxPart, policy == ReadPolicy.ADAPTIVE));
    } else {
      try {
        in = source.open(pos, end - pos);
      } catch (IOException e) {
        stats.incrementCounter(STREAM_READ_EXCEPTIONS);
        throw e;
      }
      stats.incrementCounter(STREAM_READ_OPENED);
    }
    inPos = pos;
    inEnd = end;
  }

  private void closeGet() {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // aborting the GET
      }
      in = null;
      stats.incrementCounter(STREAM_READ_CLOSE_OPERATIONS);
    }
  }

  // ---- positioned reads: stateless and thread-safe; getPos() does not move ----

  @Override
  public int read(long position, byte[] b, int off, int len) throws IOException {
    checkOpen();
    validatePositionedReadArgs(position, b, off, len);
    if (len == 0) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = source.readAt(position, b, off, (int) Math.min(len, length - position));
    count(n);
    return n;
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws IOException {
    checkOpen();
    validatePositionedReadArgs(position, b, off, len);
    if (len == 0) {
      return;
    }
    if (position + len > length) {
      throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + ": " + path + " at " + position + " length "
          + len + " past the end " + length);
    }
    int done = 0;
    while (done < len) {
      int n = source.readAt(position + done, b, off + done, len - done);
      if (n <= 0) {
        throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + ": " + path + " at " + (position + done));
      }
      done += n;
    }
    count(len);
  }

  @Override
  public synchronized int read(ByteBuffer buf) throws IOException {
    if (buf.hasArray()) {
      int n = read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
      if (n > 0) {
        buf.position(buf.position() + n);
      }
      return n;
    }
    byte[] tmp = new byte[Math.min(buf.remaining(), 1 << 20)];
    int n = read(tmp, 0, tmp.length);
    if (n > 0) {
      buf.put(tmp, 0, n);
    }
    return n;
  }

  @Override
  public int read(long position, ByteBuffer buf) throws IOException {
    checkOpen();
    if (position < 0) {
      throw new EOFException("Negative position read: " + position + " in " + path);
    }
    if (!buf.hasRemaining()) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(buf.remaining(), length - position);
    ByteBuffer slice = buf.duplicate();
    slice.limit(slice.position() + n);
    source.readFully(position, slice);
    buf.position(buf.position() + n);
    count(n);
    return n;
  }

  @Override
  public void readFully(long position, ByteBuffer buf) throws IOException {
    checkOpen();
    if (position < 0) {
      throw new EOFException("Negative position read: " + position + " in " + path);
    }
    int len = buf.remaining();
    if (position + len > length) {
      throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + ": " + path + " at " + position + " length "
          + len + " past the end " + length);
    }
    ByteBuffer slice = buf.duplicate();
    source.readFully(position, slice);
    buf.position(buf.position() + len);
    count(len);
  }

  // ---- vectored reads ----

  @Override
  public int minSeekForVectorReads() {
    return options.minSeek();
  }

  @Override
  public int maxReadSizeForVectorReads() {
    return options.maxMerged();
  }

  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate) throws IOException {
    readVectored(ranges, allocate, b -> { });
  }

  /**
   * Validates the ranges (overlap: IllegalArgumentException; past the end: EOFException), merges
   * those closer than {@link #minSeekForVectorReads()} up to {@link #maxReadSizeForVectorReads()},
   * and fetches the merged ranges on the FileSystem's pool, at most
   * {@link Options#vectoredConcurrency()} at a time (see {@link VectoredRead}). Each range's future
   * completes as soon as its own bytes are in its buffer; a buffer whose range fails goes back to
   * {@code release}.
   */
  @Override
  public void readVectored(List<? extends FileRange> ranges, IntFunction<ByteBuffer> allocate,
      Consumer<ByteBuffer> release) throws IOException {
    java.util.Objects.requireNonNull(allocate, "allocate is null");
    java.util.Objects.requireNonNull(release, "release is null");
    checkOpen();
    List<? extends FileRange> sorted = VectoredReadUtils.validateAndSortRanges(ranges, Optional.of(length));
    for (FileRange r : ranges) {
      r.setData(new CompletableFuture<>());
    }
    List<CombinedFileRange> merged = VectoredReadUtils.mergeSortedRanges(sorted, 1, options.minSeek(),
        options.maxMerged());
    stats.incrementCounter(STREAM_READ_VECTORED_OPERATIONS);
    stats.incrementCounter(STREAM_READ_VECTORED_INCOMING_RANGES, ranges.size());
    stats.incrementCounter(STREAM_READ_VECTORED_COMBINED_RANGES, merged.size());
    if (fsStats != null) {
      // on the calling (task) thread: the bytes this call delivers, fetched on pool threads
      fsStats.incrementBytesRead(ranges.stream().mapToLong(FileRange::getLength).sum());
    }
    new VectoredRead(path, source, merged, allocate, release, stats, () -> closed)
        .start(executor, options.vectoredConcurrency());
  }

  // ---- lifecycle, capabilities, statistics ----

  @Override
  public synchronized void unbuffer() {
    closeGet();
    stats.incrementCounter(STREAM_READ_UNBUFFERED);
    try {
      source.release();
    } catch (IOException ignored) {
      // reopened on next read
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    closeGet();
    source.close();
  }

  @Override
  public boolean hasCapability(String capability) {
    switch (capability.toLowerCase(java.util.Locale.ROOT)) {
      case StreamCapabilities.UNBUFFER:
      case StreamCapabilities.READBYTEBUFFER:
      case StreamCapabilities.PREADBYTEBUFFER:
      case StreamCapabilities.VECTOREDIO:
      case StreamCapabilities.IOSTATISTICS:
        return true;
      default:
        return false;
    }
  }

  @Override
  public IOStatistics getIOStatistics() {
    return stats;
  }

  /** The effective read policy (for tests: adaptive becomes random after a backward seek). */
  public ReadPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    return "ObjectInputStream{" + path + ", pos=" + pos + ", length=" + length + ", policy=" + policy + "}";
  }
}
