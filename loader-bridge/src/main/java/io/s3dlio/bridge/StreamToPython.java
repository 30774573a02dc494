package io.s3dlio.bridge;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Streams a DataFrame to local Python consumers ({@code python3 -m s3dlio_bridge.consume}, one per
 * rank) and reports samples/s: the bridge end to end on one machine, for the quickstart and demos.
 *
 * <pre>{@code
 * StreamToPython.Result r = StreamToPython.run(df, Map.of("tensor.image", "4096", "batch-size", "256"), 2, 1,
 *     StreamToPython.python(), StreamToPython.pythonPackageDir());
 * System.out.println(r.summary());
 * }</pre>
 *
 * <p>As a main: {@code StreamToPython [ROWS [RANKS]]} builds a DataFrame of ROWS rows (a 4 KiB
 * "image", a label and two numbers) in Spark {@code local[*]} and streams one epoch of it.
 */
public final class StreamToPython {
  /** System property naming the folder that holds the {@code s3dlio_bridge} package. */
  public static final String PYTHON_DIR_PROPERTY = "s3dlio.bridge.python.dir";

  private StreamToPython() {
  }

  /** What the run measured: rows the consumers reported receiving, bytes the feed sent, seconds from the feed's start to the last rank's end. */
  public record Result(long rows, long bytes, double seconds, List<String> rankLines) {
    public double samplesPerSecond() {
      return rows / seconds;
    }

    public String summary() {
      return String.format("bridge: %d rows (%.1f MB) streamed to %d Python ranks in %.2f s: %.0f samples/s, %.1f MB/s",
          rows, bytes / 1e6, rankLines.size(), seconds, samplesPerSecond(), bytes / 1e6 / seconds);
    }
  }

  /** Debian's {@code /usr/bin/python3} when present (it has numpy), else {@code python3} on the PATH. */
  public static String python() {
    return new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
  }

  /** The folder holding {@code s3dlio_bridge}: the system property, else {@code loader-bridge/python} here or above. */
  public static Path pythonPackageDir() {
    String p = System.getProperty(PYTHON_DIR_PROPERTY);
    if (p != null) {
      return Path.of(p).toAbsolutePath();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("loader-bridge/python/s3dlio_bridge"))) {
        return d.resolve("loader-bridge/python");
      }
    }
    return Path.of("loader-bridge/python").toAbsolutePath();
  }

  /** Whether {@code python} can import the client (numpy, flatbuffers, crc32c). */
  public static boolean clientAvailable(String python, Path packageDir) {
    try {
      ProcessBuilder pb = new ProcessBuilder(python, "-c", "import s3dlio_bridge.client").redirectErrorStream(true);
      pb.environment().put("PYTHONPATH", packageDir.toString());
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts a feed over {@code df} with {@code options} (world size set to {@code ranks}), runs one
   * consumer process per rank for {@code epochs} epochs, and waits for them.
   */
  public static Result run(Dataset<Row> df, Map<String, String> options, int ranks, int epochs, String python,
      Path packageDir) throws IOException, InterruptedException {
    return run(df, options, ranks, epochs, python, packageDir, List.of());
  }

  /** As {@link #run(Dataset, Map, int, int, String, Path)}, with more arguments for each consumer. */
  public static Result run(Dataset<Row> df, Map<String, String> options, int ranks, int epochs, String python,
      Path packageDir, List<String> consumerArgs) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    try (BridgeFeed feed = BridgeFeed.builder(df).options(options).worldSize(ranks).start()) {
      List<Process> procs = new ArrayList<>();
      for (int r = 0; r < ranks; r++) {
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "s3dlio_bridge.consume", "--rank", Integer.toString(r),
            "--world-size", Integer.toString(ranks), "--epochs", Integer.toString(epochs)));
        cmd.addAll(consumerArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", packageDir.toString());
        pb.environment().putAll(feed.environment());
        procs.add(pb.start());
      }
      List<String> lines = new ArrayList<>();
      for (int r = 0; r < ranks; r++) {
        Process p = procs.get(r);
        StringBuilder out = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            out.append(out.length() == 0 ? "" : "\n").append(line);
          }
        }
        if (p.waitFor() != 0) {
          throw new IOException("rank " + r + " failed (exit " + p.exitValue() + "): " + out);
        }
        lines.add(out.toString());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long rows = 0;
      for (String line : lines) {
        rows += samplesReported(line);
      }
      return new Result(rows, feed.stats().bytesSent(), seconds, lines);
    }
  }

  private static final Pattern RANK_SUMMARY = Pattern.compile("(?m)^rank \\d+: (\\d+) samples in ");

  /** The samples a consumer says it received (its last line, {@code rank R: N samples in ...}). */
  static long samplesReported(String output) throws IOException {
    Matcher m = RANK_SUMMARY.matcher(output);
    long samples = -1;
    while (m.find()) {
      samples = Long.parseLong(m.group(1));
    }
    if (samples < 0) {
      throw new IOException("a consumer ended without its summary line: " + output);
    }
    return samples;
  }

  /** A DataFrame of {@code rows} rows: id, image (4096 bytes from the id), label (id % 10), x and y. */
  public static Dataset<Row> demoFrame(SparkSession spark, long rows, int partitions) {
    return spark.range(0, rows, 1, partitions).selectExpr("id",
        "unhex(repeat(lpad(hex(id * 2654435761), 16, '0'), 512)) AS image", "CAST(id % 10 AS INT) AS label",
        "CAST(id AS FLOAT) / 1000 AS x", "CAST(id AS DOUBLE) / 7 AS y");
  }

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
    int ranks = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String python = python();
    Path dir = pythonPackageDir();
    if (!clientAvailable(python, dir)) {
      System.out.println("bridge: skipped (" + python + " cannot import s3dlio_bridge from " + dir
          + ": needs numpy, flatbuffers and crc32c)");
      return;
    }
    SparkSession spark = SparkSession.builder().master("local[*]").appName("s3dlio-bridge-demo")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      spark.sparkContext().setLogLevel("WARN");
      Dataset<Row> df = demoFrame(spark, rows, Math.max(2, spark.sparkContext().defaultParallelism()));
      Result r = run(df, Map.of(BridgeOptions.BATCH_SIZE, "128", BridgeOptions.TENSOR_PREFIX + "image", "4096"), ranks,
          1, python, dir);
      System.out.println(r.summary());
      r.rankLines().forEach(l -> System.out.println("  " + l));
    } finally {
      spark.stop();
    }
  }
}
