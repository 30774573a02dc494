package io.s3dlio.loader;

/**
 * Grows the number of concurrent fetches while throughput improves. It measures the bytes of
 * finished fetches per second over windows of at least {@link #MIN_FETCHES} fetches (and twice
 * the current concurrency) lasting at least {@link #MIN_WINDOW_NANOS}; after a window that beats
 * the best so far by {@link #GAIN}, it adds a quarter more fetches (at least one), up to the cap;
 * after one that does not, it stops growing. Not thread-safe (the loader calls it under its lock).
 */
final class Autotuner {
  static final int MIN_FETCHES = 4;
  static final long MIN_WINDOW_NANOS = 50_000_000L;
  static final double GAIN = 1.05;

  private final int cap;
  private final boolean enabled;
  private int current;
  private boolean settled;
  private double best;
  private long windowStart;
  private long windowBytes;
  private int windowFetches;

  Autotuner(int initial, int cap, boolean enabled) {
    this.current = Math.min(initial, cap);
    this.cap = cap;
    this.enabled = enabled;
  }

  int concurrency() {
    return current;
  }

  /** One fetch finished with {@code bytes} at time {@code now}. */
  void finished(long bytes, long now) {
    if (!enabled || settled) {
      return;
    }
    if (windowStart == 0) {
      windowStart = now;
    }
    windowBytes += bytes;
    windowFetches++;
    long span = now - windowStart;
    if (windowFetches < Math.max(MIN_FETCHES, 2 * current) || span < MIN_WINDOW_NANOS) {
      return;
    }
    double rate = windowBytes * 1e9 / span;
    if (rate > best * GAIN && current < cap) {
      best = rate;
      current = Math.min(cap, current + Math.max(1, current / 4));
    } else {
      settled = true;
    }
    windowStart = now;
    windowBytes = 0;
    windowFetches = 0;
  }
}
