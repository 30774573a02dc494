package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Latency histograms and counters of store operations, per backend and operation: count, bytes,
 * errors and the HdrHistogram of latencies (p50 to p99.99 and max).
 *
 * <p>Every store opened through {@link io.s3dlio.store.ObjectStores} records into its own instance
 * ({@link MeteredObjectStore#metrics()}; the Hadoop FileSystem publishes it as its IOStatistics)
 * and into the process-wide {@link #global()} one. Recording takes no lock.
 *
 * <pre>{@code
 * for (OpSnapshot s : StoreMetrics.global().snapshot()) {
 *   System.out.println(s.backend() + " " + s.op() + " " + s.count() + " ops, p99 " + s.p99Micros() + " us");
 * }
 * }</pre>
 */
public final class StoreMetrics {
  private static final int SCHEMES = ObjectUri.Scheme.values().length;
  private static final StoreMetrics GLOBAL = new StoreMetrics();

  private final AtomicReferenceArray<OpStats> stats =
      new AtomicReferenceArray<>(SCHEMES * StoreOp.count());

  public StoreMetrics() {
  }

  /** The totals of every store of this process since it started. */
  public static StoreMetrics global() {
    return GLOBAL;
  }

  OpStats stats(ObjectUri.Scheme backend, StoreOp op) {
    int i = backend.ordinal() * StoreOp.count() + op.ordinal();
    OpStats s = stats.get(i);
    if (s == null) {
      s = new OpStats(backend, op);
      if (!stats.compareAndSet(i, null, s)) {
        s = stats.get(i);
      }
    }
    return s;
  }

  /** Records one finished operation (see {@link OpStats#record}). */
  public void record(ObjectUri.Scheme backend, StoreOp op, long durationNanos, long firstByteNanos, long bytes,
      boolean failed) {
    stats(backend, op).record(durationNanos, firstByteNanos, bytes, failed);
  }

  /** The operations recorded so far (only those that happened at least once, or failed). */
  public List<OpSnapshot> snapshot() {
    List<OpSnapshot> out = new ArrayList<>();
    for (int i = 0; i < stats.length(); i++) {
      OpStats s = stats.get(i);
      if (s != null) {
        out.add(s.snapshot());
      }
    }
    return out;
  }

  /** One operation's totals (zeros when it never happened). */
  public OpSnapshot snapshot(ObjectUri.Scheme backend, StoreOp op) {
    return stats(backend, op).snapshot();
  }

  /** The snapshot as a JSON array of {@link OpSnapshot#toJson()} objects. */
  public static String toJson(List<OpSnapshot> snapshots) {
    StringBuilder sb = new StringBuilder("[");
    for (OpSnapshot s : snapshots) {
      sb.append(sb.length() > 1 ? "," : "").append(s.toJson());
    }
    return sb.append(']').toString();
  }
}
