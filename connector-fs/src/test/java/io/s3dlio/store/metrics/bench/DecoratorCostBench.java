package io.s3dlio.store.metrics.bench;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.WriteOptions;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.metrics.MetricsKeys;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What the metrics and the operation log cost per operation, without a network or a server: the
 * same streaming GET loop over a store that serves one array from memory, unwrapped (both off),
 * wrapped by {@link MeteredObjectStore} with metrics only, and with metrics and an operation log,
 * in rotating repetitions in one JVM. Prints nanoseconds per GET of each and the difference: the
 * CPU the instrumentation adds to every operation, to set against a GET's latency on a real store;
 * then the CPU of the log's writer thread, idle and with GETs paced as on a real store.
 * Not a test.
 *
 * <pre>DecoratorCostBench [REPS=20] [GETS=200000] [SIZE=16384]</pre>
 */
public final class DecoratorCostBench {
  private DecoratorCostBench() {
  }

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int gets = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 16384;
    ObjectUri uri = ObjectUri.parse("s3://bench/obj");
    StoreConfig withLog = StoreConfig.EMPTY.with(MetricsKeys.OPLOG_FILE,
        Files.createTempDirectory("oplog-cost").resolve("ops.tsv.zst").toString());
    String[] names = {"off", "metrics", "metrics+log"};
    List<List<Double>> ns = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try (ObjectStore off = new MemoryStore(new byte[size]);
        ObjectStore metrics = MeteredObjectStore.wrap(new MemoryStore(new byte[size]), StoreConfig.EMPTY);
        ObjectStore both = MeteredObjectStore.wrap(new MemoryStore(new byte[size]), withLog)) {
      ObjectStore[] stores = {off, metrics, both};
      for (ObjectStore st : stores) {
        loop(st, uri, gets); // warm-up
      }
      for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < 3; k++) {
          int m = (k + rep) % 3; // rotate the order: drift hits each mode alike
          ns.get(m).add(loop(stores[m], uri, gets));
        }
      }
      System.out.printf(Locale.ROOT, "operation log: %d of %d records dropped (queue full)%n",
          ((MeteredObjectStore) both).opLogDropped(), (long) (reps + 1) * gets);
      writerCost(both, uri);
    }
    double base = 0;
    for (int m = 0; m < 3; m++) {
      List<Double> v = ns.get(m);
      v.sort(null);
      double med = v.get(reps / 2);
      if (m == 0) {
        base = med;
      }
      System.out.printf(Locale.ROOT, "in-memory GET of %d B, %-11s: median %6.0f ns (quartiles %.0f-%.0f)%s%n", size,
          names[m], med, v.get(reps / 4), v.get(3 * reps / 4),
          m == 0 ? "" : String.format(Locale.ROOT, ", +%.0f ns per GET", med - base));
    }
  }

  /**
   * The log writer's own CPU, which the loops above cannot show (they offer records far faster
   * than any writer takes them, so most are dropped): with no operations for 3 s, then with GETs
   * paced at 1,000 a second (a GET loop on a real store) for 5 s; CPU time of the writer thread.
   */
  private static void writerCost(ObjectStore store, ObjectUri uri) throws Exception {
    long c0 = writerCpu();
    long t0 = System.nanoTime();
    Thread.sleep(3000);
    double idlePerSecond = (writerCpu() - c0) / ((System.nanoTime() - t0) / 1e9);
    byte[] buf = new byte[64 << 10];
    c0 = writerCpu();
    t0 = System.nanoTime();
    int n = 0;
    for (long next = t0; next - t0 < 5_000_000_000L; next += 1_000_000) {
      LockSupport.parkNanos(next - System.nanoTime());
      try (InputStream in = store.openRange(uri, 0, -1)) {
        while (in.read(buf) > 0) {
          // drain
        }
      }
      n++;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double busy = writerCpu() - c0;
    System.out.printf(Locale.ROOT, "operation log writer: idle %.2f ms CPU per second; %d GETs at %.0f/s: %.2f ms CPU "
        + "per second, %.1f us per logged GET beyond idle%n", idlePerSecond / 1e6, n, n / seconds, busy / 1e6 / seconds,
        (busy - idlePerSecond * seconds) / 1e3 / n);
  }

  /** CPU nanoseconds of the operation-log writer threads so far. */
  private static long writerCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().equals("s3dlio-oplog")) {
        sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
      }
    }
    return sum;
  }

  /** Nanoseconds per streaming GET (open, read all, close), one thread. */
  private static double loop(ObjectStore store, ObjectUri uri, int gets) throws Exception {
    byte[] buf = new byte[64 << 10];
    long t0 = System.nanoTime();
    for (int i = 0; i < gets; i++) {
      try (InputStream in = store.openRange(uri, 0, -1)) {
        while (in.read(buf) > 0) {
          // drain
        }
      }
    }
    return (System.nanoTime() - t0) / (double) gets;
  }

  /** Serves one array for every GET; nothing else. */
  private record MemoryStore(byte[] data) implements ObjectStore {
    @Override
    public ObjectUri.Scheme scheme() {
      return ObjectUri.Scheme.S3;
    }

    @Override
    public InputStream openRange(ObjectUri uri, long offset, long length) {
      return new ByteArrayInputStream(data);
    }

    @Override
    public byte[] get(ObjectUri uri) {
      return data.clone();
    }

    @Override
    public byte[] getRange(ObjectUri uri, long offset, int length) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void put(ObjectUri uri, byte[] d, WriteOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectWriter openWriter(ObjectUri uri, WriteOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectStat stat(ObjectUri uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(ObjectUri uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DeleteFailure> deleteAll(List<ObjectUri> uris) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int bulkDeletePageSize() {
      return 1;
    }

    @Override
    public void copy(ObjectUri source, ObjectUri target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean supportsConditionalCreate() {
      return false;
    }

    @Override
    public void close() {
    }
  }
}
