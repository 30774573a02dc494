package io.s3dlio.bridge;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What the bridge tests share: one Spark session, a sample DataFrame, Python processes. */
final class BridgeTestSupport {
  static final String PYTHON = "/usr/bin/python3";
  private static SparkSession spark;

  private BridgeTestSupport() {
  }

  /** One local[4] session for the bridge tests of this JVM; a task may fail once and be retried. */
  static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[4,2]").appName("bridge-tests")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1").getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** Stops the shared session (a test that needs another master); {@link #spark()} starts a new one. */
  static synchronized void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  static Path pythonDir() {
    return Path.of(System.getProperty("s3dlio.bridge.python.dir", "python")).toAbsolutePath();
  }

  /**
   * {@code n} rows over {@code partitions} partitions: id (bigint), x (float[4] tensor: id, id+1,
   * id+2, id+3), y (double: id / 2), tag (string "t<id>"), img (16 bytes: id as 8 big-endian bytes, then 8 zero bytes).
   */
  static Dataset<Row> samples(long n, int partitions) {
    return samples(spark(), n, partitions);
  }

  /** {@link #samples(long, int)} in the given session. */
  static Dataset<Row> samples(SparkSession session, long n, int partitions) {
    Column id = col("id");
    return session.range(0, n, 1, partitions).select(id,
        array(id.cast("float"), id.plus(1).cast("float"), id.plus(2).cast("float"), id.plus(3).cast("float")).as("x"),
        id.divide(2.0).as("y"),
        concat(lit("t"), id.cast("string")).as("tag"),
        concat(org.apache.spark.sql.functions.unhex(org.apache.spark.sql.functions.lpad(
            org.apache.spark.sql.functions.hex(id), 16, "0")), lit(new byte[8])).as("img"));
  }

  /** A started Python process with its output in files. */
  static final class Py {
    final Process process;
    final Path stdout;
    final Path stderr;
    final String name;

    Py(String name, Process process, Path stdout, Path stderr) {
      this.name = name;
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    int await(long seconds) throws Exception {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not finish in " + seconds + " s; stdout:\n" + out() + "\nstderr:\n" + err());
      }
      return process.exitValue();
    }

    String out() throws IOException {
      return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Waits and asserts exit status 0. */
    void awaitOk(long seconds) throws Exception {
      int rc = await(seconds);
      if (rc != 0) {
        throw new AssertionError(name + " exited with " + rc + "; stdout:\n" + out() + "\nstderr:\n" + err());
      }
    }
  }

  static Py python(Path dir, String name, Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PYTHON);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(pythonDir().toFile());
    pb.environment().put("PYTHONPATH", pythonDir().toString());
    pb.environment().put("PYTHONUNBUFFERED", "1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().putAll(env);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    return new Py(name, pb.start(), out, err);
  }

  /** Starts {@code python3 -m s3dlio_bridge.consume} as one rank. */
  static Py consumer(Path dir, BridgeFeed feed, int rank, int world, String... extra) throws IOException {
    return consumer(dir, feed.environment(), rank, world, extra);
  }

  /** Same, with the feed's address and token given in {@code env}. */
  static Py consumer(Path dir, Map<String, String> env, int rank, int world, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("-m", "s3dlio_bridge.consume", "--rank", Integer.toString(rank),
        "--world-size", Integer.toString(world), "--id-column", "id", "--out",
        dir.resolve("rank" + rank + ".jsonl").toString()));
    args.addAll(List.of(extra));
    return python(dir, "rank" + rank, env, args);
  }

  /** The JSON lines a consumer wrote (batches, then the totals line). */
  static List<JsonNode> lines(Path file) throws IOException {
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(m.readTree(line));
      }
    }
    return out;
  }

  /** id -> how often it was delivered, over the output of ranks 0 .. ranks-1 in {@code dir}. */
  static Map<Long, Integer> counts(Path dir, int ranks) throws IOException {
    Map<Long, Integer> seen = new HashMap<>();
    for (int r = 0; r < ranks; r++) {
      for (JsonNode b : batches(dir.resolve("rank" + r + ".jsonl"))) {
        for (JsonNode id : b.get("ids")) {
          seen.merge(id.asLong(), 1, Integer::sum);
        }
      }
    }
    return seen;
  }

  /** The batch lines only. */
  static List<JsonNode> batches(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : lines(file)) {
      if (n.has("ids")) {
        out.add(n);
      }
    }
    return out;
  }
}
