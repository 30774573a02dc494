package io.s3dlio.fs.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.OpenFileOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * Read benchmark of one Hadoop FileSystem, through the public FileSystem API only, so that the same
 * class measures this project's FileSystem ({@code s3://}) and Hadoop S3A ({@code s3a://}) in
 * separate JVMs with separate classpaths (see {@code connector-fs/bench/run-fs-bench.sh}; S3A's AWS
 * SDK bundle cannot share a classpath with this project's SDK). Not a test.
 *
 * <pre>
 *   FsReadBench write URI SIZE_MIB                 writes URI (random bytes)
 *   FsReadBench read  URI LABEL [key=value ...]    prints "LABEL metric value" lines
 * </pre>
 * Metrics: {@code seq_mbps} (whole object, read policy sequential, 1 MiB reads, median of runs),
 * {@code rand_p50_us} / {@code rand_p99_us} (64 KiB positioned reads at random offsets, read
 * policy random, HdrHistogram), then the readVectored runs (100 ranges of 64 KiB spread over an
 * object):
 * <ul>
 *   <li>{@code vec_first_mbps} (when system property {@code bench.vec.first} names a copy of the object
 *       that no stream of this JVM has read): the JVM's first readVectored, of that copy. This is
 *       the first-run figure: the vectored path is as cold as it is for any client's first call,
 *       and no client can serve it from bytes it already holds.
 *   <li>{@code vec_cold_mbps}: the first readVectored of the object the sequential and random reads
 *       used (the JVM's first when {@code bench.vec.first} is unset). A client that caches blocks
 *       across streams, such as S3A's analytics stream, serves it from memory: that stream's
 *       statistics show no GET for it (see {@code bench.vec.trace}).
 *   <li>{@code vec_mbps}: median of {@code bench.vec.runs} readVectored of that object, the first
 *       included (a caching client serves them from memory).
 *   <li>{@code vec_fresh_mbps} (when {@code bench.vec.fresh} names another unread copy): one
 *       readVectored of it, last, in a JVM warm from all the other runs.
 * </ul>
 * Extra key=value arguments are set in the Configuration;
 * system properties {@code bench.seq.runs}, {@code bench.rand.reads}, {@code bench.vec.runs} size
 * the runs.
 */
public final class FsReadBench {
  private static final int KIB64 = 64 << 10;
  private static final double MIB = 1 << 20;

  private FsReadBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: FsReadBench write URI SIZE_MIB | read URI LABEL [key=value ...]");
      System.exit(2);
    }
    Configuration conf = new Configuration();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.set(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Path path = new Path(args[1]);
    try (FileSystem fs = FileSystem.newInstance(URI.create(args[1]), conf)) {
      if (args[0].equals("write")) {
        write(fs, path, Long.parseLong(args[2]) << 20);
      } else {
        read(fs, path, args[2]);
      }
    }
  }

  private static void write(FileSystem fs, Path path, long size) throws IOException {
    byte[] buf = new byte[8 << 20];
    Random r = new Random(42);
    long t0 = System.nanoTime();
    try (FSDataOutputStream out = fs.create(path, true)) {
      for (long done = 0; done < size; done += buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, size - done));
      }
    }
    System.err.printf("wrote %s: %d bytes in %.1f s%n", path, size, (System.nanoTime() - t0) / 1e9);
  }

  private static void read(FileSystem fs, Path path, String label) throws Exception {
    FileStatus st = fs.getFileStatus(path);
    long len = st.getLen();
    int seqRuns = Integer.getInteger("bench.seq.runs", 3);
    int randReads = Integer.getInteger("bench.rand.reads", 300);
    int vecRuns = Integer.getInteger("bench.vec.runs", 5);

    // sequential: the whole object with 1 MiB reads
    double[] seq = new double[seqRuns];
    byte[] buf = new byte[1 << 20];
    for (int run = 0; run < seqRuns; run++) {
      long t0 = System.nanoTime();
      long total = 0;
      try (FSDataInputStream in = open(fs, path, st, "sequential")) {
        for (int n; (n = in.read(buf)) > 0; ) {
          total += n;
        }
      }
      check(total == len, "sequential read of " + path + " returned " + total + " of " + len + " bytes");
      seq[run] = total / MIB / ((System.nanoTime() - t0) / 1e9);
    }

    // random: 64 KiB positioned reads at random offsets on one stream (policy random)
    Histogram h = new Histogram(60_000_000L, 3);
    Random r = new Random(7);
    byte[] b64 = new byte[KIB64];
    try (FSDataInputStream in = open(fs, path, st, "random")) {
      int warmup = Math.max(10, randReads / 10);
      for (int i = 0; i < warmup + randReads; i++) {
        long off = (long) (r.nextDouble() * (len - KIB64));
        long t0 = System.nanoTime();
        in.readFully(off, b64, 0, KIB64);
        if (i >= warmup) {
          h.recordValue((System.nanoTime() - t0) / 1000);
        }
      }
    }

    // vectored: 100 ranges of 64 KiB, evenly spread, all awaited
    String firstCopy = System.getProperty("bench.vec.first");
    if (firstCopy != null) {
      Path firstPath = new Path(firstCopy);
      System.out.printf("%s vec_first_mbps %.1f%n", label,
          vectored(fs, firstPath, fs.getFileStatus(firstPath), label + " vec first call, unread object"));
    }
    double[] vec = new double[vecRuns];
    for (int run = 0; run < vecRuns; run++) {
      vec[run] = vectored(fs, path, st, run == 0 ? label + " vec object read before" : null);
    }
    String fresh = System.getProperty("bench.vec.fresh");
    if (fresh != null) {
      Path freshPath = new Path(fresh);
      System.out.printf("%s vec_fresh_mbps %.1f%n", label,
          vectored(fs, freshPath, fs.getFileStatus(freshPath), label + " vec fresh object"));
    }

    System.out.printf("%s seq_mbps %.1f%n", label, median(seq));
    System.out.printf("%s rand_p50_us %d%n", label, h.getValueAtPercentile(50));
    System.out.printf("%s rand_p99_us %d%n", label, h.getValueAtPercentile(99));
    System.out.printf("%s vec_cold_mbps %.1f%n", label, vec[0]);
    System.out.printf("%s vec_mbps %.1f%n", label, median(vec));
    System.err.printf("%s: seq runs %s MB/s; random %d reads mean %.0f us max %d us; vectored runs %s MB/s%n",
        label, Arrays.toString(round(seq)), h.getTotalCount(), h.getMean(), h.getMaxValue(),
        Arrays.toString(round(vec)));
    if (fs instanceof org.apache.hadoop.fs.statistics.IOStatisticsSource s && Boolean.getBoolean("bench.stats")) {
      System.err.println(org.apache.hadoop.fs.statistics.IOStatisticsLogging.ioStatisticsToPrettyString(
          s.getIOStatistics()));
    }
  }

  /**
   * One readVectored of 100 ranges of 64 KiB evenly spread over the object; MB/s. The ranges are
   * {@code (size - 64 KiB) / 99} apart: 2.6 MiB on a 256 MiB object, 0.66 MiB on a 64 MiB one
   * (close enough for a client that merges gaps up to 1 MiB).
   * With {@code -Dbench.vec.trace=true} and a non-null {@code trace} label, prints to stderr what
   * the run did: when the first and the last range completed, the CPU time of this JVM and of the
   * server ({@code bench.server.pid}) during the run, the stream's non-zero IOStatistics counters
   * (GET requests), and with {@code -Dbench.vec.connections=true} the client's TCP connections to
   * the endpoint open at the start and at most during the run ({@link ConnectionSampler}: it costs
   * CPU, so it is a switch of its own).
   */
  private static double vectored(FileSystem fs, Path path, FileStatus st, String trace) throws Exception {
    List<FileRange> ranges = new ArrayList<>();
    long stride = (st.getLen() - KIB64) / 99;
    for (int i = 0; i < 100; i++) {
      ranges.add(FileRange.createFileRange(i * stride, KIB64));
    }
    boolean traced = trace != null && Boolean.getBoolean("bench.vec.trace");
    ConnectionSampler sampler = traced && Boolean.getBoolean("bench.vec.connections")
        ? ConnectionSampler.start(fs.getConf()) : null;
    long cpu0 = traced ? processCpuNanos() : 0;
    long server0 = traced ? serverCpuNanos() : 0;
    long uptime = traced ? java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() : 0;
    long t0 = System.nanoTime();
    long first = 0;
    long allDone;
    org.apache.hadoop.fs.statistics.IOStatistics stats;
    try (FSDataInputStream in = open(fs, path, st, "vector")) {
      in.readVectored(ranges, ByteBuffer::allocate);
      for (FileRange fr : ranges) {
        ByteBuffer bb = FutureIO.awaitFuture(fr.getData());
        first = first == 0 ? System.nanoTime() : first;
        check(bb.remaining() == KIB64, "vectored range " + fr + " returned " + bb.remaining() + " bytes");
      }
      allDone = System.nanoTime();
      stats = in.getIOStatistics();
    }
    long t1 = System.nanoTime();
    if (traced) {  // after the timed region: the formatting below is slow the first time in a JVM
      long cpu = processCpuNanos() - cpu0;
      long server = serverCpuNanos() - server0;
      String connections = "";
      if (sampler != null) {
        sampler.stop();
        connections = String.format("; connections open at start %d, at most %d", sampler.atStart, sampler.max);
      }
      System.err.printf("%s (at JVM uptime %d ms): %.1f ms, first range done after %.1f ms; CPU ms client %.0f,"
          + " server %.0f%s; stream statistics %s%n", trace, uptime, (allDone - t0) / 1e6, (first - t0) / 1e6,
          cpu / 1e6, server / 1e6, connections, nonZeroCounters(stats));
    }
    return 100 * KIB64 / MIB / ((t1 - t0) / 1e9);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU time of the server process named by {@code bench.server.pid} (utime + stime), or 0. */
  private static long serverCpuNanos() {
    String pid = System.getProperty("bench.server.pid");
    if (pid == null) {
      return 0;
    }
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;  // clock ticks of 10 ms
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String nonZeroCounters(org.apache.hadoop.fs.statistics.IOStatistics stats) {
    return stats == null ? "none" : new java.util.TreeMap<>(stats.counters()).entrySet().stream()
        .filter(e -> e.getValue() != 0).map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /**
   * Counts this machine's established TCP connections to the endpoint's port (from
   * {@code /proc/net/tcp}, remote port = the endpoint's: the client's side of each connection)
   * every millisecond on a daemon thread. Only one client runs at a time in the bench, so they are
   * that client's.
   */
  private static final class ConnectionSampler implements Runnable {
    private final String port;
    private volatile boolean stop;
    private final Thread thread;
    int atStart;
    int max;

    private ConnectionSampler(String port) {
      this.port = port;
      this.thread = new Thread(this, "connection-sampler");
      thread.setDaemon(true);
    }

    static ConnectionSampler start(Configuration conf) throws IOException {
      String endpoint = conf.get("fs.s3dlio.s3.endpoint", conf.get("fs.s3a.endpoint"));
      ConnectionSampler s = new ConnectionSampler(String.format("%04X", URI.create(endpoint).getPort()));
      s.atStart = s.count();
      s.max = s.atStart;
      s.thread.start();
      return s;
    }

    int count() throws IOException {
      int n = 0;
      for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {  // Java's sockets are IPv6
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 3 && f[2].endsWith(":" + port) && f[3].equals("01")) {
            n++;
          }
        }
      }
      return n;
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          max = Math.max(max, count());
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
      } catch (IOException e) {
        max = -1;
      }
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }

  private static FSDataInputStream open(FileSystem fs, Path path, FileStatus st, String policy) throws Exception {
    return FutureIO.awaitFuture(fs.openFile(path)
        .withFileStatus(st)
        .opt(OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY, policy)
        .build());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String[] round(double[] v) {
    return Arrays.stream(v).mapToObj(d -> String.format("%.0f", d)).toArray(String[]::new);
  }

  private static void check(boolean ok, String message) throws IOException {
    if (!ok) {
      throw new IOException(message);
    }
  }
}
