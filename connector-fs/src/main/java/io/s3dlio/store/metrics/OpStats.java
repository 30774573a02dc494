package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency histograms of one operation on one backend. Recording is wait-free (an
 * HdrHistogram {@link Recorder} and {@link LongAdder}s: no lock on the I/O path); only
 * {@link #snapshot} takes a lock, to fold the recorder's interval into the running total.
 * Latencies are in microseconds, with 3 significant digits.
 */
final class OpStats {
  static final int DIGITS = 3;

  private final ObjectUri.Scheme backend;
  private final StoreOp op;
  private final LongAdder count = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Recorder latency = new Recorder(DIGITS);
  private final Recorder firstByte = new Recorder(DIGITS);
  private final Histogram latencyTotal = new Histogram(DIGITS);
  private final Histogram firstByteTotal = new Histogram(DIGITS);
  private Histogram latencyRecycle;
  private Histogram firstByteRecycle;

  OpStats(ObjectUri.Scheme backend, StoreOp op) {
    this.backend = backend;
    this.op = op;
  }

  /**
   * One finished operation. {@code firstByteNanos} is the time to first byte (negative when the
   * operation has none); a failed operation counts as an error and stays out of the histograms.
   */
  void record(long durationNanos, long firstByteNanos, long byteCount, boolean failed) {
    if (failed) {
      errors.increment();
    } else {
      count.increment();
      latency.recordValue(Math.max(0, durationNanos) / 1000);
      if (firstByteNanos >= 0) {
        firstByte.recordValue(firstByteNanos / 1000);
      }
    }
    if (byteCount > 0) {
      bytes.add(byteCount);
    }
  }

  synchronized OpSnapshot snapshot() {
    latencyRecycle = latency.getIntervalHistogram(latencyRecycle);
    latencyTotal.add(latencyRecycle);
    firstByteRecycle = firstByte.getIntervalHistogram(firstByteRecycle);
    firstByteTotal.add(firstByteRecycle);
    return new OpSnapshot(backend, op, count.sum(), bytes.sum(), errors.sum(), latencyTotal.copy(),
        firstByteTotal.copy());
  }
}
