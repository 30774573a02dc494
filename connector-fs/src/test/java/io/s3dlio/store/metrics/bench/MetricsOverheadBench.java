package io.s3dlio.store.metrics.bench;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.metrics.MetricsKeys;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost of the store metrics and the operation log on a GET-heavy loop: the same loop of streaming
 * GETs of small objects, run against the same S3 server by several stores open side by side in one
 * JVM, one per mode ({@code off}: {@code metrics.enabled=false} and no log, the store is not
 * wrapped; {@code metrics}: histograms only; {@code log}: the operation log only; {@code on}: both),
 * in short repetitions whose order rotates (and reverses every other repetition), so that the load
 * of a shared machine and any drift hit every mode alike. A mode may appear twice: the second
 * {@code off} is an A/A control that shows the noise floor of the comparison.
 *
 * <p>Prints one line per repetition and a summary per mode: median GET/s and its spread, the
 * median and quartiles of the per-repetition ratios to the first mode, and what each GET cost
 * beyond wall time: CPU of this JVM and of the server process (when {@code S3_SERVER_PID} names
 * it), and TCP connections opened (the system's {@code Tcp ActiveOpens} of {@code /proc/net/snmp},
 * so other processes add to it). Settings come from the environment (AWS_ENDPOINT_URL,
 * AWS_ACCESS_KEY_ID, ...); see {@code connector-fs/bench/run-metrics-bench.sh}. Not a test.
 *
 * <pre>MetricsOverheadBench s3://bucket/prefix/ [REPS=40] [GETS=500] [THREADS=4] [OBJECTS=64] [SIZE=16384] [MODES=off,on]</pre>
 */
public final class MetricsOverheadBench {
  private MetricsOverheadBench() {
  }

  /** Totals of one mode over its repetitions. */
  private static final class Mode {
    final String name;
    final ObjectStore store;
    final List<Double> rates = new ArrayList<>();
    long gets;
    long cpuNanos;
    long getThreadNanos;
    long serverTicks;
    long opens;

    Mode(String name, ObjectStore store) {
      this.name = name;
      this.store = store;
    }
  }

  public static void main(String[] args) throws Exception {
    ObjectUri prefix = ObjectUri.parse(args[0]);
    int reps = arg(args, 1, 40);
    int gets = arg(args, 2, 500);
    int threads = arg(args, 3, 4);
    int objects = arg(args, 4, 64);
    int size = arg(args, 5, 16384);
    String[] names = (args.length > 6 ? args[6] : "off,on").split(",");
    StoreConfig base = StoreConfig.fromEnvironment().with("s3.path-style", "true");
    Path logDir = Files.createTempDirectory("oplog-bench");
    String serverPid = System.getenv("S3_SERVER_PID");
    List<ObjectUri> keys = new ArrayList<>();
    try (ObjectStore s = ObjectStores.open(prefix, config(base, "off", logDir, -1))) {
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
    List<Mode> modes = new ArrayList<>();
    String cpuByThread;
    try {
      for (int m = 0; m < names.length; m++) {
        modes.add(new Mode(names[m], ObjectStores.open(prefix, config(base, names[m], logDir, m))));
      }
      for (int w = 0; w < 4; w++) { // warm-up: JIT of this JVM and of the server, connections
        for (Mode m : modes) {
          loop(m.store, keys, gets, threads, pool, new AtomicLong());
        }
      }
      int n = modes.size();
      for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < n; k++) {
          int i = (rep / 2 + (rep % 2 == 0 ? k : n - 1 - k)) % n; // rotate, reverse every other repetition
          Mode m = modes.get(i);
          long cpu0 = cpuNanos();
          long srv0 = serverTicks(serverPid);
          long op0 = activeOpens();
          AtomicLong getCpu = new AtomicLong();
          double rate = loop(m.store, keys, gets, threads, pool, getCpu);
          m.cpuNanos += cpuNanos() - cpu0;
          m.getThreadNanos += getCpu.get();
          m.serverTicks += serverTicks(serverPid) - srv0;
          m.opens += activeOpens() - op0;
          m.gets += gets;
          m.rates.add(rate);
          System.out.printf(Locale.ROOT, "rep %3d  %d:%-8s %9.1f GET/s%n", rep, i, m.name, rate);
        }
      }
      cpuByThread = threadCpu(); // before the stores close: their log writers still run
    } finally {
      pool.shutdownNow();
      for (Mode m : modes) {
        m.store.close();
      }
    }
    Mode first = modes.get(0);
    double tick = 1e9 / 100; // USER_HZ of /proc/PID/stat
    for (int i = 0; i < modes.size(); i++) {
      Mode m = modes.get(i);
      List<Double> ratios = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        ratios.add(m.rates.get(r) / first.rates.get(r));
      }
      List<Double> s = new ArrayList<>(ratios);
      s.sort(null);
      System.out.printf(Locale.ROOT, "%d:%-8s median %7.1f GET/s (min %.1f, max %.1f); vs 0:%s ratio of medians %.3f, "
          + "per-repetition median %.3f (quartiles %.3f-%.3f); per GET: client CPU %.0f us (GET threads %.0f us), server CPU %s, "
          + "TCP opens %.3f%n", i, m.name, median(m.rates), min(m.rates), max(m.rates), first.name,
          median(m.rates) / median(first.rates), median(ratios), s.get(reps / 4), s.get(3 * reps / 4),
          m.cpuNanos / 1e3 / m.gets, m.getThreadNanos / 1e3 / m.gets, serverPid == null ? "n/a" : String.format(Locale.ROOT, "%.0f us",
              m.serverTicks * tick / 1e3 / m.gets), (double) m.opens / m.gets);
    }
    System.out.printf(Locale.ROOT, "(%d repetitions of %d GETs per mode, %d threads, %d objects of %d B)%n", reps, gets,
        threads, objects, size);
    System.out.println("CPU of this JVM's threads by name (all modes together): " + cpuByThread);
  }

  /** CPU seconds of the live threads, summed by name without its numbers (the log writer, GET threads...). */
  private static String threadCpu() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    java.util.Map<String, Double> byName = new java.util.TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        byName.merge(info.getThreadName().replaceAll("(?<=-)[0-9]+", "N"), cpu / 1e9, Double::sum);
      }
    }
    StringBuilder sb = new StringBuilder();
    byName.entrySet().stream().filter(e -> e.getValue() >= 0.05)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> sb.append(String.format(Locale.ROOT, "%s %.2f s; ", e.getKey(), e.getValue())));
    return sb.toString();
  }

  /** The store settings of one mode; {@code index} names the log file of each store apart. */
  private static StoreConfig config(StoreConfig base, String mode, Path logDir, int index) {
    String log = logDir.resolve("ops-" + index + ".tsv.zst").toString();
    return switch (mode) {
      case "off" -> base.with(MetricsKeys.METRICS_ENABLED, "false");
      case "metrics" -> base.with(MetricsKeys.METRICS_ENABLED, "true");
      case "log" -> base.with(MetricsKeys.METRICS_ENABLED, "false").with(MetricsKeys.OPLOG_FILE, log);
      case "on" -> base.with(MetricsKeys.METRICS_ENABLED, "true").with(MetricsKeys.OPLOG_FILE, log);
      default -> throw new IllegalArgumentException("unknown mode " + mode + " (off, metrics, log, on)");
    };
  }

  /** GETs/second of {@code gets} streaming GETs over {@code threads} threads; adds their CPU time to {@code cpu}. */
  private static double loop(ObjectStore store, List<ObjectUri> keys, int gets, int threads, ExecutorService pool,
      AtomicLong cpu) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(pool.submit(() -> {
        long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        byte[] buf = new byte[64 << 10];
        int i;
        while ((i = next.getAndIncrement()) < gets) {
          try (InputStream in = store.openRange(keys.get(i % keys.size()), 0, -1)) {
            while (in.read(buf) > 0) {
              // drain
            }
          }
        }
        cpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0);
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    return gets / ((System.nanoTime() - t0) / 1e9);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** utime + stime of the server process in clock ticks, 0 when unknown. */
  private static long serverTicks(String pid) throws IOException {
    if (pid == null) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** TCP connections this machine opened so far ({@code Tcp: ActiveOpens}), -1 when unknown. */
  private static long activeOpens() throws IOException {
    Path snmp = Path.of("/proc/net/snmp");
    if (!Files.isReadable(snmp)) {
      return -1;
    }
    List<String> lines = Files.readAllLines(snmp);
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("Tcp:") && lines.get(i + 1).startsWith("Tcp:")) {
        List<String> head = List.of(lines.get(i).split(" "));
        return Long.parseLong(lines.get(i + 1).split(" ")[head.indexOf("ActiveOpens")]);
      }
    }
    return -1;
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
