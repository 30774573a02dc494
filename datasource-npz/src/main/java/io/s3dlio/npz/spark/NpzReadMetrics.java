package io.s3dlio.npz.spark;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes and requests the readers of this JVM fetched (tests and benchmarks look at them). */
public final class NpzReadMetrics {
  private static final AtomicLong BYTES = new AtomicLong();
  private static final AtomicLong REQUESTS = new AtomicLong();

  private NpzReadMetrics() {
  }

  static void add(io.s3dlio.npz.format.RangeSource src) {
    BYTES.addAndGet(src.bytesRead());
    REQUESTS.addAndGet(src.requests());
  }

  public static long bytes() {
    return BYTES.get();
  }

  public static long requests() {
    return REQUESTS.get();
  }

  public static void reset() {
    BYTES.set(0);
    REQUESTS.set(0);
  }
}
