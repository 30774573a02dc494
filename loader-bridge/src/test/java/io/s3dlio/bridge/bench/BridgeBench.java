package io.s3dlio.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3dlio.bridge.BridgeOptions;
import io.s3dlio.bridge.StreamToPython;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.storage.StorageLevel;

/**
 * The bridge benchmark (a main, not a test; see loader-bridge/bench/run.sh): one DataFrame (4 KiB
 * image, label, two numbers), persisted (storage level: system property {@code bench.storage},
 * default MEMORY_AND_DISK, as {@code persist()}), delivered to 2 Python consumers by
 * <ol>
 *   <li>the bridge (count pass, block fetches, Arrow frames; time to the end of epoch 0);</li>
 *   <li>(a) raw loopback TCP: the same number of bytes, in chunks of the bridge's mean frame size,
 *       from JVM memory to Python {@code recv_into} into fresh numpy buffers (the ceiling);</li>
 *   <li>(b) materialise-then-read: Spark writes the DataFrame with {@code format("npz")}, then
 *       numpy reads every file ({@code np.load}), half the files per consumer.</li>
 * </ol>
 * and, as a floor rather than a way to deliver, (c) a Spark job that only reads every row out of the cache as
 * the bridge's tasks do. Every consumer reads every byte it receives with the same checksum ({@code s3dlio_bridge.consume.Checksum}),
 * and reports its CPU seconds. Each time includes starting the Python processes. When the rows fill
 * whole steps, the bridge's and the npz path's checksums must agree (the same rows arrived).
 *
 * <p>Before the timed runs, every path runs once on a sixteenth of the rows (JIT compilation of the
 * code each path uses; {@code -Dbench.warmup=false} to skip, {@code -Dbench.warmup.rounds=N} to run
 * the warm-up N times: the JIT compiler's work then leaves the timed runs, as in a long-lived driver).
 *
 * <p>System properties: {@code bench.paths} (default {@code bridge,raw,npz,scan}), {@code bench.python}
 * (the interpreter, e.g. a wrapper that profiles), {@code bench.bridge.<option>} (more feed options),
 * {@code bench.warmup}.
 */
public final class BridgeBench {
  private static final int BATCH = 256;
  private static final int RANKS = 2;
  private static final Pattern CPU = Pattern.compile("cpu ([0-9.]+) s");
  private static final ObjectMapper JSON = new ObjectMapper();

  private BridgeBench() {
  }

  /** What one path measured. */
  record Measured(String name, double seconds, double jvmCpu, double pythonCpu, double load0, double load1) {
  }

  /** Python output of one path: CPU seconds and XOR per column, combined over the consumers. */
  static final class PyOut {
    double cpu;
    final Map<String, Long> xor = new TreeMap<>();

    void add(String output) throws IOException {
      for (String line : output.split("\n")) {
        if (line.startsWith("checksum ")) {
          JsonNode xs = JSON.readTree(line.substring("checksum ".length())).get("xor");
          xs.fields().forEachRemaining(e -> xor.merge(e.getKey(), Long.parseUnsignedLong(e.getValue().asText(), 16),
              (a, b) -> a ^ b));
        }
        Matcher m = CPU.matcher(line);
        if (m.find()) {
          cpu += Double.parseDouble(m.group(1));
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int partitions = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]).toAbsolutePath();
    Path benchDir = Path.of(args[3]).toAbsolutePath();
    List<String> paths = List.of(System.getProperty("bench.paths", "bridge,raw,npz,scan").split(","));
    String python = System.getProperty("bench.python", StreamToPython.python());
    Map<String, String> options = new LinkedHashMap<>(Map.of(BridgeOptions.BATCH_SIZE, Integer.toString(BATCH),
        BridgeOptions.TENSOR_PREFIX + "image", "4096", BridgeOptions.BLOCK_PARTITIONS, "2"));
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.bridge."))
        .forEach(k -> options.put(k.substring("bench.bridge.".length()), System.getProperty(k)));
    Files.createDirectories(work);
    SparkSession spark = SparkSession.builder().master("local[*]").appName("bridge-bench")
        .config("spark.ui.enabled", "false").config("spark.local.dir", work.resolve("spark").toString())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      StorageLevel level = StorageLevel.fromString(System.getProperty("bench.storage", "MEMORY_AND_DISK"));
      Runner runner = new Runner(spark, paths, options, python, StreamToPython.pythonPackageDir(), benchDir, work);
      if (Boolean.parseBoolean(System.getProperty("bench.warmup", "true"))) {
        long warm = Math.max(RANKS * BATCH * 4, rows / 16 / (RANKS * BATCH) * (RANKS * BATCH));
        int rounds = Integer.getInteger("bench.warmup.rounds", 1);
        Dataset<Row> small = StreamToPython.demoFrame(spark, warm, partitions).persist(level);
        small.count();
        long t = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
          runner.run(small, warm, true);
        }
        small.unpersist(true);
        System.out.printf("warm-up: every path %d time(s) on %d rows (JIT compilation), %.1f s%n", rounds, warm,
            (System.nanoTime() - t) / 1e9);
      }
      Dataset<Row> df = StreamToPython.demoFrame(spark, rows, partitions).persist(level);
      long t = System.nanoTime();
      df.count();
      System.out.printf("persisted %d rows in %d partitions (%s) in %.1f s; bridge options %s%n", rows, partitions,
          level.description(), (System.nanoTime() - t) / 1e9, options);
      runner.run(df, rows, false);
    } finally {
      spark.stop();
    }
  }

  /** Runs the selected paths over one DataFrame. */
  record Runner(SparkSession spark, List<String> paths, Map<String, String> options, String python, Path pkg,
      Path benchDir, Path work) {

    void run(Dataset<Row> df, long rows, boolean quiet) throws Exception {
      List<Measured> results = new ArrayList<>();
      StringBuilder log = new StringBuilder();
      long bytes;
      long delivered;
      PyOut bridgeOut = null;
      if (paths.contains("bridge")) {
        profile(quiet, "bridge", true);
        double l0 = load();
        double c0 = cpu();
        CpuAccount account = new CpuAccount(spark.sparkContext());
        StreamToPython.Result bridge = StreamToPython.run(df, options, RANKS, 1, python, pkg, List.of("--checksum"));
        double jvm = cpu() - c0;
        profile(quiet, "bridge", false);
        account.close();
        bridgeOut = new PyOut();
        for (String l : bridge.rankLines()) {
          bridgeOut.add(l);
        }
        results.add(new Measured("bridge", bridge.seconds(), jvm, bridgeOut.cpu, l0, load()));
        log.append(bridge.summary()).append('\n');
        bridge.rankLines().forEach(l -> l.lines().filter(x -> !x.startsWith("checksum ")).forEach(x ->
            log.append("  ").append(x).append('\n')));
        log.append(account.report());
        bytes = bridge.bytes();
        delivered = bridge.rows();
      } else {
        delivered = rows / (RANKS * BATCH) * RANKS * BATCH;
        bytes = delivered * 4124; // the data bytes of the rows (the bridge adds ~0.5 KB per batch)
      }
      if (paths.contains("raw")) {
        int chunk = (int) (bytes / (delivered / BATCH));
        double l0 = load();
        double c0 = cpu();
        PyOut out = new PyOut();
        CpuAccount account = new CpuAccount(spark.sparkContext());
        profile(quiet, "raw", true);
        double raw = raw(bytes, chunk, python, pkg, benchDir, out, log);
        profile(quiet, "raw", false);
        account.close();
        results.add(new Measured("(a) raw loopback TCP", raw, cpu() - c0, out.cpu, l0, load()));
        log.append(String.format("raw tcp: %d bytes in chunks of %d to 2 Python consumers in %.2f s: %.1f MB/s%n",
            bytes, chunk, raw, bytes / 1e6 / raw));
        log.append(account.report());
      }
      if (paths.contains("npz")) {
        double l0 = load();
        double c0 = cpu();
        PyOut out = new PyOut();
        CpuAccount account = new CpuAccount(spark.sparkContext());
        profile(quiet, "npz", true);
        double[] npz = npz(df, work.resolve("npz"), python, pkg, benchDir, out, log);
        profile(quiet, "npz", false);
        account.close();
        results.add(new Measured(String.format("(b) npz write + numpy read (%.1f s + %.1f s)", npz[0], npz[1]),
            npz[0] + npz[1], cpu() - c0, out.cpu, l0, load()));
        log.append(String.format("npz: written in %.2f s, read by 2 Python consumers in %.2f s: %.2f s in all%n",
            npz[0], npz[1], npz[0] + npz[1]));
        log.append(account.report());
        if (bridgeOut != null) {
          log.append(compare(bridgeOut, out, rows % (RANKS * BATCH) == 0)).append('\n');
        }
      }
      if (paths.contains("scan")) {
        double l0 = load();
        double c0 = cpu();
        CpuAccount account = new CpuAccount(spark.sparkContext());
        profile(quiet, "scan", true);
        long t0 = System.nanoTime();
        long[] scanned = scan(df);
        double seconds = (System.nanoTime() - t0) / 1e9;
        profile(quiet, "scan", false);
        account.close();
        results.add(new Measured("(c) Spark scan only (rows out of the cache, nothing delivered)", seconds,
            cpu() - c0, 0, l0, load()));
        log.append(String.format("scan: %d rows (%.1f MB of UnsafeRow) read from the cache in %.2f s%n", scanned[0],
            scanned[1] / 1e6, seconds));
        log.append(account.report());
      }
      if (!quiet) {
        System.out.print(log);
        table(results, delivered, bytes);
      }
    }
  }

  /**
   * With {@code -Dbench.perf.fifo=FIFO} (the control FIFO of {@code perf record --control=fifo:FIFO
   * --delay=-1}) and {@code -Dbench.perf.path=P}, enables perf's sampling around the timed run of path
   * P only (not the warm-up): a CPU profile of the JVM and the Python consumers that does not starve
   * on a loaded machine, as JFR's sampler does.
   */
  static void profile(boolean quiet, String path, boolean enable) throws IOException {
    if (!quiet) { // when it ran, to find it in a JFR recording
      System.out.printf("%s %s at %s%n", path, enable ? "starts" : "ends", java.time.LocalTime.now());
    }
    String fifo = System.getProperty("bench.perf.fifo");
    if (quiet || fifo == null || !path.equals(System.getProperty("bench.perf.path", "bridge"))) {
      return;
    }
    Files.writeString(Path.of(fifo), enable ? "enable\n" : "disable\n");
  }

  private static String compare(PyOut bridge, PyOut npz, boolean whole) {
    if (!whole) {
      return "checksums: not compared (the bridge drops the rows that do not fill a last step)";
    }
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, Long> e : bridge.xor.entrySet()) {
      if (!e.getValue().equals(npz.xor.get(e.getKey()))) {
        bad.add(e.getKey());
      }
    }
    if (!bad.isEmpty() || bridge.xor.isEmpty()) {
      throw new IllegalStateException("the bridge and the npz path delivered different data in columns " + bad
          + ": bridge " + bridge.xor + ", npz " + npz.xor);
    }
    return "checksums: the bridge and the npz path delivered the same values in " + bridge.xor.keySet();
  }

  private static void table(List<Measured> results, long rows, long bytes) {
    System.out.printf("%nrows %d, %.1f MB delivered%n", rows, bytes / 1e6);
    System.out.println("| path | seconds | MB/s | JVM CPU s | Python CPU s | load avg (start, end) |");
    System.out.println("|---|---|---|---|---|---|");
    for (Measured r : results) {
      System.out.printf("| %s | %.2f | %.1f | %.1f | %.1f | %.1f, %.1f |%n", r.name(), r.seconds(),
          bytes / 1e6 / r.seconds(), r.jvmCpu(), r.pythonCpu(), r.load0(), r.load1());
    }
    Measured bridge = results.stream().filter(r -> r.name().equals("bridge")).findFirst().orElse(null);
    if (bridge != null) {
      for (Measured r : results) {
        if (r != bridge) {
          System.out.printf("bridge vs %s: time ratio %.2f (the bridge at %.0f %% of its speed), CPU ratio %.2f%n",
              r.name(), r.seconds() / bridge.seconds(), 100 * r.seconds() / bridge.seconds(),
              (r.jvmCpu() + r.pythonCpu()) / (bridge.jvmCpu() + bridge.pythonCpu()));
        }
      }
    }
  }

  /** CPU seconds this JVM has used. */
  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** The 1-minute load average (0 where /proc is absent). */
  static double load() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Process python(List<String> cmd, Path pkg) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", pkg.toString());
    return pb.start();
  }

  private static void await(List<Process> procs, String what, PyOut out, StringBuilder log) throws Exception {
    for (Process p : procs) {
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(what + " failed: " + text);
      }
      text.lines().filter(l -> !l.startsWith("checksum ")).forEach(l -> log.append("  ").append(l).append('\n'));
      out.add(text);
    }
  }

  /** Seconds to send {@code total} bytes (half to each of 2 Python consumers), Python start included. */
  static double raw(long total, int chunk, String python, Path pkg, Path benchDir, PyOut out, StringBuilder log)
      throws Exception {
    byte[] data = new byte[chunk];
    new Random(1).nextBytes(data);
    long half = total / 2;
    try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      long t0 = System.nanoTime();
      List<Process> procs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        procs.add(python(List.of(python, benchDir.resolve("raw_tcp_consumer.py").toString(), "127.0.0.1",
            Integer.toString(server.getLocalPort()), Long.toString(half), Integer.toString(chunk)), pkg));
      }
      List<Thread> senders = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Socket s = server.accept();
        Thread th = new Thread(() -> {
          try (s; OutputStream o = s.getOutputStream()) {
            for (long sent = 0; sent < half; sent += chunk) {
              o.write(data, 0, (int) Math.min(chunk, half - sent));
            }
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        th.start();
        senders.add(th);
      }
      for (Thread th : senders) {
        th.join();
      }
      await(procs, "raw consumer", out, log);
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /**
   * {rows, bytes}: every row of the DataFrame's {@code RDD[InternalRow]} read in the executor tasks
   * as the bridge's tasks read them (out of the cache into {@code UnsafeRow}s), and nothing else: the
   * part of the bridge's CPU that Spark spends producing the rows.
   */
  static long[] scan(Dataset<Row> df) {
    long[] sum = {0, 0};
    for (long[] p : df.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> {
      long n = 0;
      long b = 0;
      while (it.hasNext()) {
        b += ((UnsafeRow) it.next()).getSizeInBytes();
        n++;
      }
      return List.of(new long[] {n, b}).iterator();
    }).collect()) {
      sum[0] += p[0];
      sum[1] += p[1];
    }
    return sum;
  }

  /** {write seconds, read seconds} of the npz path. */
  static double[] npz(Dataset<Row> df, Path dir, String python, Path pkg, Path benchDir, PyOut out, StringBuilder log)
      throws Exception {
    long t0 = System.nanoTime();
    df.write().format("npz").option("layout", "sample").mode("overwrite").save(dir.toUri().toString());
    long t1 = System.nanoTime();
    List<String> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".npz")).map(Path::toString).sorted().toList();
    }
    List<Process> procs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      List<String> cmd = new ArrayList<>(List.of(python, benchDir.resolve("npz_read.py").toString()));
      for (int k = i; k < files.size(); k += 2) {
        cmd.add(files.get(k));
      }
      procs.add(python(cmd, pkg));
    }
    await(procs, "npz reader", out, log);
    return new double[] {(t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9};
  }
}
