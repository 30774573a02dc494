package io.s3dlio.bridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Where a benchmark path spends the JVM's CPU, without a sampling profiler (which starves on a
 * loaded machine): CPU seconds of each thread group (thread names without their numbers), read
 * from {@link ThreadMXBean} every 100 ms so that threads which end are counted too; the rest of
 * the process's CPU (garbage collection, JIT, VM threads); and Spark's task metrics (executor CPU,
 * result serialisation, result bytes, GC time). On Linux the rest is split by the JVM's own threads
 * ({@code /proc/self/task}: JIT compilers, G1's concurrent and parallel GC threads, the VM thread).
 */
final class CpuAccount implements AutoCloseable {
  private static final Pattern JVM_THREAD = Pattern.compile("(C1|C2) Compiler.*|G1 .*|GC Thread.*|VM Thread|VM Periodic.*");
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> start = new HashMap<>();
  private final Map<Long, Long> last = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private final Map<String, Long> nativeStart = new HashMap<>();
  private final Map<String, Long> nativeLast = new HashMap<>();
  private final Map<String, String> nativeNames = new HashMap<>();
  private final java.util.Set<String> notJvm = new java.util.HashSet<>();
  private int samples;
  private final double process0 = BridgeBench.cpu();
  private final long gc0 = gcMillis();
  private final long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  private final Thread sampler;
  private final SparkContext sc;
  private final Listener listener = new Listener();
  private volatile boolean stop;

  /** Sums of the task metrics of the tasks that end while the account is open. */
  static final class Listener extends SparkListener {
    final AtomicLong tasks = new AtomicLong();
    final AtomicLong cpuNanos = new AtomicLong();
    final AtomicLong deserializeCpuNanos = new AtomicLong();
    final AtomicLong serializeMillis = new AtomicLong();
    final AtomicLong resultBytes = new AtomicLong();
    final AtomicLong gcMillis = new AtomicLong();
    volatile boolean open = true;

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      TaskMetrics m = end.taskMetrics();
      if (!open || m == null) {
        return;
      }
      tasks.incrementAndGet();
      cpuNanos.addAndGet(m.executorCpuTime());
      deserializeCpuNanos.addAndGet(m.executorDeserializeCpuTime());
      serializeMillis.addAndGet(m.resultSerializationTime());
      resultBytes.addAndGet(m.resultSize());
      gcMillis.addAndGet(m.jvmGCTime());
    }
  }

  CpuAccount(SparkContext sc) {
    this.sc = sc;
    sc.addSparkListener(listener);
    sample(true);
    sampler = new Thread(() -> {
      while (!stop) {
        sample(false);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-cpu-account");
    sampler.setDaemon(true);
    sampler.start();
  }

  private synchronized void sample(boolean first) {
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long id = info.getThreadId();
      long cpu = threads.getThreadCpuTime(id);
      if (cpu < 0) {
        continue;
      }
      if (!names.containsKey(id)) {
        names.put(id, info.getThreadName().replaceAll("[0-9]+", "N"));
        start.put(id, first ? cpu : 0L);
      }
      last.put(id, cpu);
    }
    if (first || samples++ % 5 == 0) { // every 0.5 s: the JVM's threads are few and long-lived
      sampleNative(first);
    }
  }

  /** CPU ticks of the JVM's native threads (compilers, GC, VM), from /proc/self/task where present. */
  private void sampleNative(boolean first) {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        if (notJvm.contains(t.getFileName().toString())) {
          continue;
        }
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(open + 1, close);
        if (!JVM_THREAD.matcher(comm).matches()) {
          notJvm.add(t.getFileName().toString()); // an application thread: ThreadMXBean counts it
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        String key = t.getFileName() + " " + comm;
        if (!nativeNames.containsKey(key)) {
          nativeNames.put(key, comm.replaceAll("[0-9]+", "N"));
          nativeStart.put(key, first ? ticks : 0L);
        }
        nativeLast.put(key, ticks);
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: no split of the rest
    }
  }

  @Override
  public void close() {
    stop = true;
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample(false);
    sampleNative(false);
    listener.open = false;
    sc.removeSparkListener(listener);
  }

  private static long gcMillis() {
    long n = 0;
    for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionTime());
    }
    return n;
  }

  /** The account, one line per thread group using at least 0.05 s, largest first. */
  synchronized String report() {
    Map<String, Double> groups = new TreeMap<>();
    double sum = 0;
    for (Map.Entry<Long, Long> e : last.entrySet()) {
      double s = (e.getValue() - start.get(e.getKey())) / 1e9;
      groups.merge(names.get(e.getKey()), s, Double::sum);
      sum += s;
    }
    double process = BridgeBench.cpu() - process0;
    StringBuilder sb = new StringBuilder(String.format("  JVM CPU %.2f s: threads %.2f s, other (GC, JIT, VM) %.2f s "
        + "(GC pauses %.2f s, JIT compilation %.2f s, wall)%n", process, sum, process - sum, (gcMillis() - gc0) / 1e3,
        (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0) / 1e3));
    groups.entrySet().stream().filter(e -> e.getValue() >= 0.05)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> sb.append(String.format("    %6.2f s  %s%n", e.getValue(), e.getKey())));
    Map<String, Double> jvm = new TreeMap<>();
    for (Map.Entry<String, Long> e : nativeLast.entrySet()) {
      jvm.merge(nativeNames.get(e.getKey()), (e.getValue() - nativeStart.get(e.getKey())) / 100.0, Double::sum);
    }
    jvm.entrySet().stream().filter(e -> e.getValue() >= 0.05)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> sb.append(String.format("    %6.2f s  [JVM] %s%n", e.getValue(), e.getKey())));
    sb.append(String.format("  Spark tasks: %d, executor CPU %.2f s (deserialise %.2f s), result serialisation %.2f s "
        + "(wall), results %.1f MB, task GC %.2f s (wall)%n", listener.tasks.get(), listener.cpuNanos.get() / 1e9,
        listener.deserializeCpuNanos.get() / 1e9, listener.serializeMillis.get() / 1e3,
        listener.resultBytes.get() / 1e6, listener.gcMillis.get() / 1e3));
    return sb.toString();
  }
}
