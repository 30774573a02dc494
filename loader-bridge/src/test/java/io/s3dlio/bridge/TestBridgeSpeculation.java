package io.s3dlio.bridge;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.bridge.BridgeTestSupport.Py;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.Success$;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.TaskCompletionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Speculative tasks, as Spark really runs them: with {@code spark.speculation} on a cluster of two
 * hosts ({@link TwoHostClusterManager}: local mode never speculates), the first attempt of a task
 * hangs, Spark launches a speculative copy on the other host, accepts it and kills the original. A
 * listener sees the speculative attempts start and succeed; the ranks still get every row once.
 */
class TestBridgeSpeculation {
  private static final long ROWS = 400; // 4 partitions of 100 rows: ids 100.. in partition 1, 200.. in partition 2
  private static final long HANG_MS = 60_000; // an original attempt waits this long unless Spark kills it
  private static SparkSession spark;
  private static final List<Attempt> ATTEMPTS = new CopyOnWriteArrayList<>();

  @TempDir
  Path dir;

  /** One task attempt as the listener saw it end. */
  record Attempt(int stage, int partition, int number, boolean speculative, String host, String end, long launched,
      long finished) {
  }

  @BeforeAll
  static void twoHosts() {
    BridgeTestSupport.stopSpark();
    spark = SparkSession.builder().master(TwoHostClusterManager.master(2)).appName("bridge-speculation")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.speculation", "true")
        .config("spark.speculation.interval", "100ms")
        .config("spark.speculation.quantile", "0.5")      // once half the tasks of a stage are done,
        .config("spark.speculation.multiplier", "1.5")    // a task running 1.5x their median
        .config("spark.speculation.minTaskRuntime", "300ms") // and at least this long gets a copy
        .config("spark.speculation.efficiency.enabled", "false") // whatever its records/s
        .getOrCreate();
    assertThat(spark.sparkContext().master()).as("another test's Spark session is still running in this JVM")
        .isEqualTo(TwoHostClusterManager.master(2));
    spark.sparkContext().setLogLevel("WARN");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskInfo t = end.taskInfo();
        String how = end.reason() == Success$.MODULE$ ? "success"
            : end.reason() instanceof TaskKilled ? "killed" : "failed: " + end.reason().toString();
        ATTEMPTS.add(new Attempt(end.stageId(), t.partitionId(), t.attemptNumber(), t.speculative(), t.host(), how,
            t.launchTime(), t.finishTime()));
      }
    });
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  @BeforeEach
  void reset() {
    ATTEMPTS.clear();
  }

  /** Blocks the calling task until it is killed (interrupted), at most {@link #HANG_MS}. */
  private static void hangUntilKilled() throws InterruptedException {
    Thread.sleep(HANG_MS);
  }

  /** Makes the task hang once its work (and so its upload) is done, until it is killed. */
  private static void hangAfterTheTask(TaskContext tc) {
    tc.addTaskCompletionListener((TaskCompletionListener) c -> {
      try {
        hangUntilKilled();
      } catch (InterruptedException e) {
        throw new IllegalStateException("killed", e);
      }
    });
  }

  /**
   * The original attempt of partition 1 hangs before it uploads (its first row); the original of
   * partition 2 uploads, then hangs (in a task completion listener, so its upload is complete and the
   * speculative copy finds it). Spark launches speculative copies of both, accepts them and kills
   * the originals: for partition 1 the copy's upload is delivered, for partition 2 the original's
   * upload that the copy's receipt names.
   */
  @ParameterizedTest
  @ValueSource(strings = {"auto", "tcp"})
  void speculativeCopiesNeitherRepeatNorDropRows(String upload) throws Exception {
    UserDefinedFunction slowOriginals = udf((UDF1<Long, Long>) id -> {
      TaskContext tc = TaskContext.get();
      if (tc.attemptNumber() == 0 && id == 100) {
        hangUntilKilled();
      }
      if (tc.attemptNumber() == 0 && id == 200) {
        hangAfterTheTask(tc);
      }
      return id;
    }, DataTypes.LongType);
    Dataset<Row> df = BridgeTestSupport.samples(spark, ROWS, 4).withColumn("id", slowOriginals.apply(col("id")));
    try (BridgeFeed feed = feed(df, upload).start()) {
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2);
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2);
      r0.awaitOk(120);
      r1.awaitOk(120);
      Map<Long, Integer> seen = BridgeTestSupport.counts(dir, 2);
      assertThat(seen).hasSize((int) ROWS);
      assertThat(seen.values()).containsOnly(1);
      assertThat(feed.awaitRuns(1, Duration.ofSeconds(30))).isTrue();
      assertThat(feed.stats().bufferedBytes()).as(feed.stats().toString()).isZero();
    }
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    for (int partition : new int[] {1, 2}) {
      assertThat(ATTEMPTS).as("partition %d: %s", partition, ATTEMPTS)
          .anySatisfy(a -> {
            assertThat(a.partition()).isEqualTo(partition);
            assertThat(a.speculative()).isTrue();
            assertThat(a.end()).isEqualTo("success");
          })
          .anySatisfy(a -> {
            assertThat(a.partition()).isEqualTo(partition);
            assertThat(a.number()).isZero();
            assertThat(a.speculative()).isFalse();
            assertThat(a.end()).isEqualTo("killed");
          });
    }
    assertThat(ATTEMPTS).filteredOn(a -> a.speculative() && a.end().equals("success"))
        .as("the copies ran on the other host").allSatisfy(copy -> assertThat(ATTEMPTS)
            .filteredOn(o -> o.stage() == copy.stage() && o.partition() == copy.partition() && !o.speculative())
            .allSatisfy(o -> assertThat(o.host()).isNotEqualTo(copy.host())));
  }

  /**
   * A partition whose speculative copy computes other rows than the original (whose upload is
   * complete) fails epoch 0 on every rank with the persist()/localCheckpoint() advice.
   */
  @Test
  void aSpeculativeCopyWithOtherRowsFailsTheEpochOnEveryRank() throws Exception {
    UserDefinedFunction byAttempt = udf((UDF1<Long, Long>) id -> {
      TaskContext tc = TaskContext.get();
      if (tc.attemptNumber() == 0 && id == 200) {
        hangAfterTheTask(tc);
      }
      // not deterministic in partition 2 only (other tasks may get speculative copies on a loaded machine too)
      return id >= 200 && id < 300 ? id * 10 + tc.attemptNumber() : id * 10;
    }, DataTypes.LongType);
    Dataset<Row> df = BridgeTestSupport.samples(spark, ROWS, 4).withColumn("noise", byAttempt.apply(col("id")));
    try (BridgeFeed feed = feed(df, "auto").start()) {
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2);
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2);
      for (Py p : List.of(r0, r1)) {
        assertThat(p.await(120)).as(p.name).isEqualTo(3);
        assertThat(p.err()).matches("s3dlio_bridge: ERROR non_deterministic: Epoch 0 failed on every rank: partition 2 "
            + "of the DataFrame \\(block 0 \\(partitions \\[.*\\]\\)\\) gave different rows when computed again "
            + "\\(two attempts of its task gave different rows \\(task attempt \\d+: 100 rows, checksum [0-9a-f]{8}; "
            + "task attempt \\d+: 100 rows, checksum [0-9a-f]{8}\\)\\)\\. .*"
            + "persist\\(\\) or localCheckpoint\\(\\) the DataFrame before streaming it\\.\n");
      }
      assertThat(feed.stats().bufferedBytes()).as(feed.stats().toString()).isZero();
    }
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    assertThat(ATTEMPTS).as("%s", ATTEMPTS).anySatisfy(a -> {
      assertThat(a.partition()).isEqualTo(2);
      assertThat(a.speculative()).isTrue();
    });
  }

  /** One block of all 4 partitions: one Spark job whose 4 tasks fill the 2 x 2 cores. */
  private static BridgeFeed.Builder feed(Dataset<Row> df, String upload) {
    return BridgeFeed.builder(df).worldSize(2).batchSize(10).seed(5).tensor("x", 4)
        .option(BridgeOptions.BLOCK_PARTITIONS, "4").option(BridgeOptions.UPLOAD, upload);
  }

}
