package io.s3dlio.loader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Live counters of one {@link DataLoader}, updated by its workers and read at any time with
 * {@link #snapshot()}. Rates count from the first batch asked for.
 */
public final class LoaderMetrics {
  /** How many skipped-sample messages {@link Snapshot#recentSkips()} keeps. */
  static final int RECENT_SKIPS = 16;

  private final LongAdder samples = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong peakBuffered = new AtomicLong();
  private final AtomicInteger queueDepth = new AtomicInteger();
  private final AtomicInteger concurrency = new AtomicInteger();
  private final Deque<String> recentSkips = new ArrayDeque<>();
  private volatile long startNanos;

  /**
   * A consistent-enough view of the counters.
   *
   * @param samples samples delivered in batches
   * @param batches batches delivered
   * @param bytesRead bytes returned by storage requests
   * @param requests storage requests
   * @param seconds time since the first batch was asked for
   * @param samplesPerSecond samples / seconds
   * @param bytesPerSecond bytesRead / seconds
   * @param latencyP50Millis median storage request latency
   * @param latencyP90Millis 90th percentile
   * @param latencyP99Millis 99th percentile
   * @param latencyMaxMillis slowest request
   * @param queueDepth batches ahead of the consumer (being fetched or ready)
   * @param bufferedBytes bytes held ahead of the consumer (fetched samples not yet delivered, plus
   *     what is reserved for fetches in flight)
   * @param peakBufferedBytes the highest bufferedBytes so far
   * @param concurrency fetch parts allowed to run at once now (grows under autotune)
   * @param skipped samples skipped under {@link ErrorPolicy#SKIP}
   * @param recentSkips messages of the last skipped samples (newest last)
   */
  public record Snapshot(long samples, long batches, long bytesRead, long requests, double seconds,
      double samplesPerSecond, double bytesPerSecond, double latencyP50Millis, double latencyP90Millis,
      double latencyP99Millis, double latencyMaxMillis, int queueDepth, long bufferedBytes, long peakBufferedBytes,
      int concurrency, long skipped, List<String> recentSkips) {
  }

  public Snapshot snapshot() {
    long start = startNanos;
    double secs = start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
    long s = samples.sum();
    long b = bytesRead.sum();
    List<String> skips;
    synchronized (recentSkips) {
      skips = List.copyOf(new ArrayList<>(recentSkips));
    }
    return new Snapshot(s, batches.sum(), b, requests.sum(), secs, secs > 0 ? s / secs : 0, secs > 0 ? b / secs : 0,
        percentile(50), percentile(90), percentile(99), latencyMicros.getMaxValue() / 1000.0, queueDepth.get(),
        buffered.get(), peakBuffered.get(), concurrency.get(), skipped.sum(), skips);
  }

  private double percentile(double p) {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(p) / 1000.0;
  }

  void started() {
    if (startNanos == 0) {
      startNanos = System.nanoTime();
    }
  }

  void request(long nanos, long bytes) {
    requests.increment();
    bytesRead.add(bytes);
    latencyMicros.recordValue(Math.min(Math.max(nanos / 1000, 0), latencyMicros.getHighestTrackableValue()));
  }

  void delivered(Batch b) {
    batches.increment();
    samples.add(b.size());
  }

  void skipped(SampleException e) {
    skipped.increment();
    synchronized (recentSkips) {
      if (recentSkips.size() == RECENT_SKIPS) {
        recentSkips.removeFirst();
      }
      recentSkips.addLast(e.getMessage());
    }
  }

  void buffered(long delta) {
    long now = buffered.addAndGet(delta);
    peakBuffered.accumulateAndGet(now, Math::max);
  }

  void queueDepth(int depth) {
    queueDepth.set(depth);
  }

  void concurrency(int c) {
    concurrency.set(c);
  }
}
