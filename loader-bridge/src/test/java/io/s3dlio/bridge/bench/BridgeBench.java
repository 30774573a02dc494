package io.s3dlio.bridge.bench;

import io.s3dlio.bridge.BridgeOptions;
import io.s3dlio.bridge.StreamToPython;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The bridge benchmark (a main, not a test; see loader-bridge/bench/run.sh): one DataFrame (4 KiB
 * image, label, two numbers), persisted (storage level: system property {@code bench.storage},
 * default MEMORY_AND_DISK, as {@code persist()}), delivered to 2 Python consumers by
 * <ol>
 *   <li>the bridge (count pass, block fetches, Arrow frames; time to the end of epoch 0);</li>
 *   <li>(a) raw loopback TCP: the same number of bytes, in chunks of the bridge's mean frame size,
 *       from JVM memory to Python {@code recv_into} + {@code np.frombuffer} (the ceiling);</li>
 *   <li>(b) materialise-then-read: Spark writes the DataFrame with {@code format("npz")}, then
 *       numpy reads every file ({@code np.load}), half the files per consumer.</li>
 * </ol>
 * Each time includes starting the Python processes.
 */
public final class BridgeBench {
  private BridgeBench() {
  }

  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int partitions = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]).toAbsolutePath();
    Path benchDir = Path.of(args[3]).toAbsolutePath();
    String python = StreamToPython.python();
    Path pkg = StreamToPython.pythonPackageDir();
    Files.createDirectories(work);
    SparkSession spark = SparkSession.builder().master("local[*]").appName("bridge-bench")
        .config("spark.ui.enabled", "false").config("spark.local.dir", work.resolve("spark").toString())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      StorageLevel level = StorageLevel.fromString(System.getProperty("bench.storage", "MEMORY_AND_DISK"));
      Dataset<Row> df = StreamToPython.demoFrame(spark, rows, partitions).persist(level);
      long t = System.nanoTime();
      df.count();
      System.out.printf("persisted %d rows in %d partitions (%s) in %.1f s%n", rows, partitions, level.description(),
          (System.nanoTime() - t) / 1e9);

      double c0 = cpu();
      StreamToPython.Result bridge = StreamToPython.run(df, Map.of(BridgeOptions.BATCH_SIZE, "256",
          BridgeOptions.TENSOR_PREFIX + "image", "4096", BridgeOptions.BLOCK_PARTITIONS, "2"), 2, 1, python, pkg);
      double bridgeCpu = cpu() - c0;
      System.out.println(bridge.summary());
      long batches = bridge.rows() / 256;
      int chunk = (int) (bridge.bytes() / batches);

      c0 = cpu();
      double raw = raw(bridge.bytes(), chunk, python, benchDir);
      double rawCpu = cpu() - c0;
      System.out.printf("raw tcp: %d bytes in chunks of %d to 2 Python consumers in %.2f s: %.1f MB/s%n",
          bridge.bytes(), chunk, raw, bridge.bytes() / 1e6 / raw);

      c0 = cpu();
      double[] npz = npz(df, work.resolve("npz"), python, benchDir);
      double npzCpu = cpu() - c0;
      System.out.printf("npz: written in %.2f s, read by 2 Python consumers in %.2f s: %.2f s in all%n", npz[0],
          npz[1], npz[0] + npz[1]);

      System.out.printf("%nrows %d, %.1f MB delivered%n", bridge.rows(), bridge.bytes() / 1e6);
      System.out.printf("| path | seconds | MB/s | JVM CPU s | vs bridge |%n|---|---|---|---|---|%n");
      System.out.printf("| bridge | %.2f | %.1f | %.1f | 1.00 |%n", bridge.seconds(),
          bridge.bytes() / 1e6 / bridge.seconds(), bridgeCpu);
      System.out.printf("| (a) raw loopback TCP | %.2f | %.1f | %.1f | bridge at %.0f %% of it |%n", raw,
          bridge.bytes() / 1e6 / raw, rawCpu, 100 * raw / bridge.seconds());
      System.out.printf("| (b) npz write + numpy read | %.2f | %.1f | %.1f | bridge %.2fx faster |%n",
          npz[0] + npz[1], bridge.bytes() / 1e6 / (npz[0] + npz[1]), npzCpu, (npz[0] + npz[1]) / bridge.seconds());
    } finally {
      spark.stop();
    }
  }

  /** CPU seconds this JVM has used. */
  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** Seconds to send {@code total} bytes (half to each of 2 Python consumers), Python start included. */
  static double raw(long total, int chunk, String python, Path benchDir) throws Exception {
    byte[] data = new byte[chunk];
    new Random(1).nextBytes(data);
    long half = total / 2;
    try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      long t0 = System.nanoTime();
      List<Process> procs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        procs.add(new ProcessBuilder(python, benchDir.resolve("raw_tcp_consumer.py").toString(), "127.0.0.1",
            Integer.toString(server.getLocalPort()), Long.toString(half), Integer.toString(chunk)).inheritIO().start());
      }
      List<Thread> senders = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Socket s = server.accept();
        Thread th = new Thread(() -> {
          try (s; OutputStream out = s.getOutputStream()) {
            for (long sent = 0; sent < half; sent += chunk) {
              out.write(data, 0, (int) Math.min(chunk, half - sent));
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
      for (Process p : procs) {
        if (p.waitFor() != 0) {
          throw new IOException("raw consumer failed");
        }
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** {write seconds, read seconds} of the npz path. */
  static double[] npz(Dataset<Row> df, Path dir, String python, Path benchDir) throws Exception {
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
      procs.add(new ProcessBuilder(cmd).inheritIO().start());
    }
    for (Process p : procs) {
      if (p.waitFor() != 0) {
        throw new IOException("npz reader failed");
      }
    }
    return new double[] {(t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9};
  }
}
