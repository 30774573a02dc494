package io.s3dlio.npz.spark;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpzWriter;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.junit.jupiter.api.BeforeAll;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One Spark session shared by the Spark tests of this module: {@code local[2,3]} (two threads,
 * three attempts per task, so retried tasks can be tested), adaptive execution off (the scan node
 * is in the executed plan, with its metrics).
 *
 * <p>s3:// is the s3dlio FileSystem on the S3 test server, configured the way a deployment does,
 * with {@code spark.hadoop.fs.s3dlio.*}: endpoint, region, path style and access key for every
 * bucket, but a WRONG secret key; bucket {@link #HADOOP_BUCKET} gets the right one through a
 * per-bucket {@code spark.hadoop.fs.s3dlio.bucket.<bucket>.s3.secret-key}. Other buckets need the
 * secret from another configuration path (see TestNpzSparkS3), so each path is proven to work.
 */
abstract class SparkTestBase {
  static final String HADOOP_BUCKET = "npz-hadoop";
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    if (spark == null) {
      S3ProxyServer s3 = S3ProxyServer.get();
      s3.createBucket(HADOOP_BUCKET);
      SparkSession.Builder b = SparkSession.builder().master("local[2,3]").appName("npz-tests")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.adaptive.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName());
      s3.storeConfig().withPrefix("s3.").forEach((k, v) -> {
        if (!k.equals("s3.secret-key")) {
          b.config("spark.hadoop.fs.s3dlio." + k, v);
        }
      });
      b.config("spark.hadoop.fs.s3dlio.s3.secret-key", "wrong-" + s3.secretKey());
      b.config("spark.hadoop.fs.s3dlio.bucket." + HADOOP_BUCKET + ".s3.secret-key", s3.secretKey());
      spark = b.getOrCreate();
    }
  }

  /** Runs {@code df} (collects it) and returns its scan's metrics (task and driver). */
  static Map<String, Long> scanMetrics(Dataset<Row> df) {
    df.collectAsList();
    return metrics(df);
  }

  /**
   * The scan's metrics of the last run of {@code df} (Spark resets them at each action; a second
   * action over a shuffle may not run the scan again).
   */
  static Map<String, Long> metrics(Dataset<Row> df) {
    SparkPlan plan = df.queryExecution().executedPlan();
    List<SparkPlan> scans = CollectionConverters.asJava(plan.collectLeaves()).stream()
        .filter(p -> p instanceof BatchScanExec).toList();
    if (scans.size() != 1) {
      throw new IllegalStateException("Expected one BatchScanExec in " + plan.treeString());
    }
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, SQLMetric> e : CollectionConverters.asJava(scans.get(0).metrics()).entrySet()) {
      out.put(e.getKey(), e.getValue().value());
    }
    return out;
  }

  /** x: float32 (n, 3) with x[i][j] = base + i * 10 + j; y: int64 (n,) with y[i] = base + i. */
  static void writeXy(Path file, int base, int n, boolean compress) throws IOException {
    ByteBuffer x = ByteBuffer.allocate(n * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer y = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x.putFloat(base + i * 10 + j);
      }
      y.putLong(base + i);
    }
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        NpzWriter w = compress ? NpzWriter.deflated(out, 6) : NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.of('f', 4), new long[] {n, 3}, x.array()));
      w.add("y", new NpyArray(NpyDtype.of('i', 8), new long[] {n}, y.array()));
    }
  }

  /** Every regular file under {@code d}, relative, sorted (on disk, so hidden files count too). */
  static List<String> files(Path d) throws IOException {
    if (!Files.exists(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(d)) {
      return s.filter(Files::isRegularFile).map(p -> d.relativize(p).toString()).sorted().toList();
    }
  }
}
