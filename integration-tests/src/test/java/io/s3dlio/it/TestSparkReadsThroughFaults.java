package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTally;
import io.s3dlio.testing.FaultTargets;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark reads from s3:// through the seeded {@link FaultProxy}, local[2]: a TFRecord dataset (with
 * indexes) read whole, split by its indexes and split by resynchronisation, and an NPZ dataset (sample
 * layout) read with its row-range splits. The data is written by Spark to local files and uploaded
 * without the proxy; only the bucket {@value #BUCKET} is read through it (per-bucket keys). A read is
 * correct when count, distinct count and sums equal those of ids {@code 0..n-1}; a failed read must
 * carry an IOException naming the bucket. {@code spark.task.maxFailures=1}: the store's retries
 * only, no task retry. Figures in docs/reliability.md ({@code target/reliability/spark-reads.md}).
 */
class TestSparkReadsThroughFaults {
  private static final String BUCKET = "spark-faults";
  private static final long TF_ROWS = 12_000;
  private static final long NPZ_ROWS = 30_000;

  @TempDir
  static Path tmp;

  @Test
  void tfrecordAndNpzReadsAreExactOrFailClearly() throws Exception {
    long seed = FaultTargets.seed();
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    String base = "s3://" + BUCKET + "/faults-" + seed + "-" + Long.toHexString(System.nanoTime());
    FaultTally tally = new FaultTally();
    try (FaultProxy proxy = FaultTargets.s3Proxy()) {
      StoreConfig viaProxy = FaultTargets.s3ViaProxy(proxy);
      SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("TestSparkReadsThroughFaults")
          .config("spark.ui.enabled", "false")
          .config("spark.task.maxFailures", "1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName());
      for (Map.Entry<String, String> e : FaultTargets.hadoopKeys(viaProxy).entrySet()) {
        // fs.s3dlio.<key> -> fs.s3dlio.bucket.<bucket>.<key>: only this bucket goes through the proxy
        b.config("spark.hadoop.fs.s3dlio.bucket." + BUCKET + "." + e.getKey().substring("fs.s3dlio.".length()),
            e.getValue());
      }
      SparkSession spark = b.getOrCreate();
      try {
        Path local = tmp.resolve("data");
        spark.range(0, TF_ROWS, 1, 4).selectExpr("id", "id % 10 as label",
            "array(cast(id as float), cast(id * 0.5 as float)) as floats")
            .write().format("tfrecord").option("maxRecordsPerFile", "2000").save(local.resolve("tf").toUri().toString());
        spark.range(0, NPZ_ROWS, 1, 3).selectExpr("id", "cast(id as double) * 0.25 as v")
            .write().format("npz").option("layout", "sample").save(local.resolve("npz").toUri().toString());
        upload(s3.storeConfig(), local, base);

        proxy.plan(FaultTargets.readPlan(seed, 1, 6)); // retries outnumber the faults: every read must be exact
        String tf = base + "/tf";
        String npz = base + "/npz";
        String[] tfSums = {"count(*)", "sum(id)", "sum(label)", "sum(floats[1])", "count(distinct id)"};
        for (int round = 0; round < 2; round++) {
          run(tally, "TFRecord read, whole files", () -> exact(spark.read().format("tfrecord")
              .option("useIndex", "never").option("splitWithoutIndex", "false").load(tf).selectExpr(tfSums).first(),
              TF_ROWS, true), BUCKET);
          run(tally, "TFRecord read, index splits", () -> exact(spark.read().format("tfrecord")
              .option("useIndex", "require").option("maxPartitionBytes", "20000").load(tf).selectExpr(tfSums).first(),
              TF_ROWS, true), BUCKET);
          run(tally, "TFRecord read, resync splits", () -> exact(spark.read().format("tfrecord")
              .option("useIndex", "never").option("maxPartitionBytes", "30000").load(tf).selectExpr(tfSums).first(),
              TF_ROWS, true), BUCKET);
          run(tally, "NPZ read (sample layout)", () -> exact(spark.read().format("npz").option("layout", "sample")
              .load(npz).selectExpr("count(*)", "sum(id)", "sum(v)", "count(distinct id)").first(), NPZ_ROWS, false),
              BUCKET);
        }
      } finally {
        spark.stop();
      }
      String table = tally.report("Spark TFRecord and NPZ reads on s3:// through FaultProxy (seed " + seed + ")",
          "spark-reads.md", proxy);
      assertThat(tally.problems()).as(table).isEmpty();
      assertThat(tally.correct()).as(table).isEqualTo(8);
      assertThat(proxy.injectedTotal()).as(table).isGreaterThan(10);
    }
  }

  /**
   * {@link FaultTally#run}, with a failed Spark job judged by the IOException in its causes (the
   * executor's error, kept by Spark as the cause of its SparkException).
   */
  private static void run(FaultTally tally, String op, java.util.concurrent.Callable<Boolean> read, String name) {
    tally.run(op, () -> {
      try {
        return read.call();
      } catch (Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof IOException io && String.valueOf(io.getMessage()).contains(name)) {
            throw io;
          }
        }
        throw e;
      }
    }, name);
  }

  /** count, sums and distinct count of ids 0..n-1 (TFRecord: label = id % 10 and floats[1] = id / 2; NPZ: v = id / 4). */
  private static boolean exact(Row r, long n, boolean tfrecord) {
    long ids = n * (n - 1) / 2;
    if (tfrecord) {
      long labels = 0;
      for (long i = 0; i < n; i++) {
        labels += i % 10;
      }
      return r.getLong(0) == n && r.getLong(1) == ids && r.getLong(2) == labels && r.getDouble(3) == 0.5 * ids
          && r.getLong(4) == n;
    }
    return r.getLong(0) == n && r.getLong(1) == ids && r.getDouble(2) == 0.25 * ids && r.getLong(3) == n;
  }

  /** Every file under {@code local} (hidden ones too: _SUCCESS, index folders) to {@code base}, without the proxy. */
  private static void upload(StoreConfig direct, Path local, String base) throws IOException {
    try (StoreRegistry stores = new StoreRegistry(direct); Stream<Path> files = Files.walk(local)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".crc"))
          .toList()) {
        ObjectUri u = ObjectUri.parse(base + "/" + local.relativize(f).toString().replace('\\', '/'));
        stores.storeFor(u).put(u, Files.readAllBytes(f));
      }
    }
  }
}
