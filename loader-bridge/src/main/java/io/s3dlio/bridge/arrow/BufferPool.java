package io.s3dlio.bridge.arrow;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.LongSupplier;

/**
 * Arrays for the large data buffers of encoded partitions, reused from one block to the next so that
 * each partition is not encoded into fresh (and, at tens of MB, humongous) arrays: fewer
 * allocations, less zeroing, fewer garbage-collection cycles.
 *
 * <p>An array comes back only through {@link #recycle} of a batch nothing reads any more, and only
 * if this pool lent it (arrays of other origins, or lent for a batch that was never recycled, are
 * left to the garbage collector). It keeps at most {@code limit} bytes (the largest block the feed
 * held, so about one block more than the feed's buffered bytes), and hands out an array only for the
 * exact length asked for: partitions of equal row counts reuse each other's arrays.
 */
public final class BufferPool {
  /** A pool that never keeps anything: every array is fresh. */
  public static final BufferPool NONE = new BufferPool(() -> 0);
  /** Buffers smaller than this are not worth pooling. */
  static final int MIN_BYTES = 64 << 10;

  private final LongSupplier limit;
  private final Map<Integer, ArrayDeque<byte[]>> free = new HashMap<>();
  private final Map<byte[], Boolean> lent = new WeakHashMap<>(); // byte[] hashes by identity
  private long freeBytes;
  private long reused;

  public BufferPool(LongSupplier limit) {
    this.limit = limit;
  }

  /** An array of exactly {@code n} bytes (not zeroed when reused: the encoder writes every byte). */
  public byte[] take(int n) {
    if (n < MIN_BYTES || this == NONE) {
      return new byte[n];
    }
    synchronized (this) {
      ArrayDeque<byte[]> q = free.get(n);
      byte[] b = q == null ? null : q.poll();
      if (b != null) {
        freeBytes -= n;
        reused++;
      } else {
        b = new byte[n];
      }
      lent.put(b, Boolean.TRUE);
      return b;
    }
  }

  /** Takes back the arrays of {@code batch} that this pool lent; the caller guarantees nothing reads them. */
  public synchronized void recycle(IpcRecordBatch batch) {
    for (int i = 0; i < batch.bufferCount(); i++) {
      byte[] b = batch.buffer(i);
      if (lent.remove(b) != null && freeBytes + b.length <= limit.getAsLong()) {
        free.computeIfAbsent(b.length, k -> new ArrayDeque<>()).push(b);
        freeBytes += b.length;
      }
    }
  }

  /** Arrays handed out again rather than allocated. */
  public synchronized long reused() {
    return reused;
  }

  /** Bytes waiting to be reused. */
  public synchronized long freeBytes() {
    return freeBytes;
  }

  /** Drops what it keeps. */
  public synchronized void clear() {
    free.clear();
    lent.clear();
    freeBytes = 0;
  }
}
