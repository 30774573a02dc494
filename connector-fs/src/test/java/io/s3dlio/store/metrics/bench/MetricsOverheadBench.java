package io.s3dlio.store.metrics.bench;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.metrics.MetricsKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cost of the store metrics and the operation log on a GET-heavy loop: the same loop of streaming
 * GETs of small objects, run against the same S3 server by a store with both off
 * ({@code metrics.enabled=false}, no log: the store is not wrapped at all) and by a store with both
 * on (histograms + a zstd operation log), both open side by side in one JVM, in interleaved short
 * repetitions (off, on, on, off, ...), so that the load of a shared machine hits both alike. Prints
 * one line per repetition and a summary: median GET/s of each mode, their spread, and the
 * on/off ratio (of the medians, and the median and quartiles of the per-repetition ratios). Settings come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...); see
 * {@code connector-fs/bench/run-metrics-bench.sh}. Not a test.
 *
 * <pre>MetricsOverheadBench s3://bucket/prefix/ [REPS=40] [GETS=500] [THREADS=4] [OBJECTS=64] [SIZE=16384]</pre>
 */
public final class MetricsOverheadBench {
  private MetricsOverheadBench() {
  }

  public static void main(String[] args) throws Exception {
    ObjectUri prefix = ObjectUri.parse(args[0]);
    int reps = arg(args, 1, 40);
    int gets = arg(args, 2, 500);
    int threads = arg(args, 3, 4);
    int objects = arg(args, 4, 64);
    int size = arg(args, 5, 16384);
    StoreConfig base = StoreConfig.fromEnvironment().with("s3.path-style", "true");
    Path logDir = Files.createTempDirectory("oplog-bench");
    StoreConfig off = base.with(MetricsKeys.METRICS_ENABLED, "false");
    List<ObjectUri> keys = new ArrayList<>();
    try (ObjectStore s = ObjectStores.open(prefix, off)) {
      Random r = new Random(1);
      for (int i = 0; i < objects; i++) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        ObjectUri u = prefix.child(String.format(Locale.ROOT, "obj-%05d", i));
        s.put(u, b);
        keys.add(u);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Double> offRates = new ArrayList<>();
    List<Double> onRates = new ArrayList<>();
    StoreConfig on = base.with(MetricsKeys.OPLOG_FILE, logDir.resolve("ops.tsv.zst").toString());
    try (ObjectStore storeOff = ObjectStores.open(prefix, off); ObjectStore storeOn = ObjectStores.open(prefix, on)) {
      loop(storeOff, keys, gets, threads, pool); // warm-up: JIT, connections
      loop(storeOn, keys, gets, threads, pool);
      for (int rep = 0; rep < reps; rep++) {
        boolean onFirst = rep % 2 == 1; // off,on | on,off | off,on ... cancels drift
        for (int k = 0; k < 2; k++) {
          boolean isOn = (k == 0) == onFirst;
          double rate = loop(isOn ? storeOn : storeOff, keys, gets, threads, pool);
          (isOn ? onRates : offRates).add(rate);
          System.out.printf(Locale.ROOT, "rep %3d  %-3s %9.1f GET/s%n", rep, isOn ? "on" : "off", rate);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double mOff = median(offRates);
    double mOn = median(onRates);
    System.out.printf(Locale.ROOT, "off: median %.1f GET/s (min %.1f, max %.1f)%n", mOff, min(offRates), max(offRates));
    System.out.printf(Locale.ROOT, "on:  median %.1f GET/s (min %.1f, max %.1f)%n", mOn, min(onRates), max(onRates));
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      ratios.add(onRates.get(i) / offRates.get(i));
    }
    List<Double> sorted = new ArrayList<>(ratios);
    sorted.sort(null);
    System.out.printf(Locale.ROOT, "on/off: ratio of medians %.3f; per-repetition ratios: median %.3f, "
        + "quartiles %.3f-%.3f, min %.3f, max %.3f (%d repetitions of %d GETs, %d threads, %d B objects)%n",
        mOn / mOff, median(ratios), sorted.get(reps / 4), sorted.get(3 * reps / 4), min(ratios), max(ratios), reps,
        gets, threads, size);
  }

  /** GETs/second of {@code gets} streaming GETs over {@code threads} threads. */
  private static double loop(ObjectStore store, List<ObjectUri> keys, int gets, int threads, ExecutorService pool)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(pool.submit(() -> {
        byte[] buf = new byte[64 << 10];
        int i;
        while ((i = next.getAndIncrement()) < gets) {
          try (InputStream in = store.openRange(keys.get(i % keys.size()), 0, -1)) {
            while (in.read(buf) > 0) {
              // drain
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    return gets / ((System.nanoTime() - t0) / 1e9);
  }

  private static int arg(String[] a, int i, int def) {
    return a.length > i ? Integer.parseInt(a[i]) : def;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }
}
