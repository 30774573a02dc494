package io.s3dlio.fs.impl;

import static org.apache.hadoop.fs.statistics.StoreStatisticNames.*;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.metrics.OpSnapshot;
import io.s3dlio.store.metrics.StoreMetrics;
import io.s3dlio.store.metrics.StoreOp;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.MeanStatistic;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;

/**
 * The store operations of one FileSystem as Hadoop {@link IOStatistics}, read live from its
 * {@link StoreMetrics}, with Hadoop's names ({@code StoreStatisticNames}) and duration conventions:
 * per operation a counter {@code <name>} (every call), {@code <name>.failures}, the minimum,
 * maximum and mean duration {@code <name>.min|.max|.mean} in milliseconds (successful calls), a
 * bytes counter where bytes move, and gauges of the latency percentiles in microseconds
 * ({@code <name>.p50_us} ... {@code .p99.99_us}), which IOStatistics has no type for.
 */
public final class StoreIOStatistics implements IOStatistics {
  /** The IOStatistics name of each operation (Hadoop's where it has one). */
  public static final Map<StoreOp, String> NAMES = new EnumMap<>(Map.of(
      StoreOp.GET, ACTION_HTTP_GET_REQUEST,
      StoreOp.GET_RANGE, "action_http_get_range_request",
      StoreOp.PUT, OBJECT_PUT_REQUEST,
      StoreOp.PART_UPLOAD, MULTIPART_UPLOAD_PART_PUT,
      StoreOp.LIST, OBJECT_LIST_REQUEST,
      StoreOp.STAT, ACTION_HTTP_HEAD_REQUEST,
      StoreOp.DELETE, OBJECT_DELETE_REQUEST,
      StoreOp.DELETE_BULK, OBJECT_BULK_DELETE_REQUEST,
      StoreOp.COPY, OBJECT_COPY_REQUESTS));

  /** The bytes counter of the operations that move bytes. */
  public static final Map<StoreOp, String> BYTES = new EnumMap<>(Map.of(
      StoreOp.GET, ACTION_HTTP_GET_REQUEST + "_bytes",
      StoreOp.GET_RANGE, "action_http_get_range_request_bytes",
      StoreOp.PUT, OBJECT_PUT_BYTES,
      StoreOp.PART_UPLOAD, MULTIPART_UPLOAD_PART_PUT_BYTES));

  /** Records the operation log dropped (queue full). */
  public static final String OPLOG_DROPPED = "s3dlio_oplog_dropped";

  private final MeteredObjectStore store;
  private final ObjectUri.Scheme scheme;

  public StoreIOStatistics(MeteredObjectStore store) {
    this.store = store;
    this.scheme = store.scheme();
  }

  private Map<StoreOp, OpSnapshot> snapshot() {
    Map<StoreOp, OpSnapshot> m = new EnumMap<>(StoreOp.class);
    StoreMetrics metrics = store.metrics();
    for (StoreOp op : StoreOp.values()) {
      m.put(op, metrics.snapshot(scheme, op));
    }
    return m;
  }

  @Override
  public Map<String, Long> counters() {
    Map<String, Long> c = new TreeMap<>();
    snapshot().forEach((op, s) -> {
      c.put(NAMES.get(op), s.count() + s.errors());
      c.put(NAMES.get(op) + SUFFIX_FAILURES, s.errors());
      if (BYTES.containsKey(op)) {
        c.put(BYTES.get(op), s.bytes());
      }
    });
    c.put(OPLOG_DROPPED, store.opLogDropped());
    return c;
  }

  @Override
  public Map<String, Long> gauges() {
    Map<String, Long> g = new TreeMap<>();
    snapshot().forEach((op, s) -> {
      for (double p : OpSnapshot.PERCENTILES) {
        g.put(NAMES.get(op) + "." + OpSnapshot.label(p) + "_us", s.percentileMicros(p));
      }
    });
    return g;
  }

  @Override
  public Map<String, Long> minimums() {
    Map<String, Long> m = new TreeMap<>();
    snapshot().forEach((op, s) -> m.put(NAMES.get(op) + SUFFIX_MIN, s.count() == 0 ? MIN_UNSET_VALUE
        : s.minMicros() / 1000));
    return m;
  }

  @Override
  public Map<String, Long> maximums() {
    Map<String, Long> m = new TreeMap<>();
    snapshot().forEach((op, s) -> m.put(NAMES.get(op) + SUFFIX_MAX, s.count() == 0 ? MAX_UNSET_VALUE
        : s.maxMicros() / 1000));
    return m;
  }

  @Override
  public Map<String, MeanStatistic> meanStatistics() {
    Map<String, MeanStatistic> m = new TreeMap<>();
    snapshot().forEach((op, s) -> m.put(NAMES.get(op) + SUFFIX_MEAN,
        new MeanStatistic(s.count(), Math.round(s.meanMicros() * s.count() / 1000.0))));
    return m;
  }

  @Override
  public String toString() {
    return IOStatisticsBinding.entryToString("store", scheme.id()) + " " + counters();
  }
}
