package io.s3dlio.npz.spark;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The Hadoop configuration of a read, broadcast to the executors once per distinct configuration
 * rather than once per scan.
 *
 * <p>A scan's tasks read through the Hadoop configuration Spark builds for the read
 * ({@code newHadoopConfWithOptions}), shipped as a broadcast as Spark's own file sources do. Making
 * that broadcast serializes the whole configuration (Hadoop writes each of its ~1,000 keys with a
 * gzip-compressed list of where the key was set) and each executor fetches and inflates it again:
 * 9–16 ms of driver time per query on the 2-core machine (docs/npz.md, session 6), a tenth of a
 * query that reads 200 files. Successive reads of one application mostly have the same
 * configuration, so the last few broadcasts are kept per {@link SparkContext} and reused when the
 * configuration's keys and values are equal to the new one's (what the broadcast carries; any
 * {@code spark.conf.set}, read option or {@code spark.hadoop.*} difference makes a new one). The
 * broadcast holds a copy of the configuration, so later changes to the caller's object do not
 * reach it. Kept broadcasts stay alive as long as they are kept (at most {@link #KEPT} per
 * context); one dropped from here is cleaned by Spark's context cleaner once no plan holds it.
 */
final class ConfBroadcasts {
  /** Broadcasts kept per Spark context (distinct configurations, the most recently used ones). */
  static final int KEPT = 4;

  private static final Map<SparkContext, LinkedHashMap<Map<String, String>, Broadcast<SerializableConfiguration>>>
      BY_CONTEXT = new WeakHashMap<>();

  private ConfBroadcasts() {
  }

  /** A broadcast of {@code conf} (equal keys and values to {@code conf}'s) for the tasks of {@code sc}. */
  static Broadcast<SerializableConfiguration> of(SparkContext sc, Configuration conf) {
    Map<String, String> key = snapshot(conf);
    synchronized (BY_CONTEXT) {
      LinkedHashMap<Map<String, String>, Broadcast<SerializableConfiguration>> kept =
          BY_CONTEXT.computeIfAbsent(sc, c -> new LinkedHashMap<>(8, 0.75f, true));
      Broadcast<SerializableConfiguration> b = kept.get(key);
      if (b != null && b.isValid() && !sc.isStopped()) {
        return b;
      }
      Configuration copy = new Configuration(conf);
      b = JavaSparkContext.fromSparkContext(sc).broadcast(new SerializableConfiguration(copy));
      kept.put(key, b);
      while (kept.size() > KEPT) {
        kept.remove(kept.keySet().iterator().next());
      }
      return b;
    }
  }

  /** The keys and values of {@code conf} as set (not expanded): what its serialized form carries. */
  static Map<String, String> snapshot(Configuration conf) {
    Map<String, String> m = new HashMap<>(conf.size() * 2);
    for (Map.Entry<String, String> e : conf) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  /** Forgets every kept broadcast (tests). */
  static void clear() {
    synchronized (BY_CONTEXT) {
      BY_CONTEXT.clear();
    }
  }
}
