package io.s3dlio.bridge;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3dlio.bridge.BridgeTestSupport.Py;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.TaskCompletionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Faults: bad tokens, corrupt and cut frames, lost ranks, failing tasks, non-deterministic input, slow ranks. */
class TestBridgeFaults {
  static final AtomicInteger INJECTED = new AtomicInteger();

  @TempDir
  Path dir;

  private static BridgeFeed.Builder feed(Dataset<Row> df, int world) {
    return BridgeFeed.builder(df).worldSize(world).batchSize(8).seed(3).tensor("x", 4)
        .option(BridgeOptions.RECONNECT_TIMEOUT, "20s");
  }

  private static Map<String, String> via(BridgeFeed feed, String address) {
    return Map.of(BridgeFeed.ENV_ADDRESS, address, BridgeFeed.ENV_TOKEN, feed.token());
  }

  /** id -> how often it was delivered, over the given ranks' output. */
  private Map<Long, Integer> counts(int ranks) throws Exception {
    return BridgeTestSupport.counts(dir, ranks);
  }

  @Test
  void aWrongTokenIsRefused() throws Exception {
    try (BridgeFeed feed = feed(BridgeTestSupport.samples(64, 2), 1).start()) {
      Py p = BridgeTestSupport.consumer(dir, Map.of(BridgeFeed.ENV_ADDRESS, feed.address(), BridgeFeed.ENV_TOKEN,
          "0".repeat(64)), 0, 1);
      assertThat(p.await(60)).isEqualTo(3);
      assertThat(p.err()).isEqualTo("s3dlio_bridge: ERROR bad_token: token refused\n");
      assertThat(feed.stats().batchesSent()).isZero();
      assertThat(feed.toString()).doesNotContain(feed.token());
    }
  }

  @Test
  void aCorruptBatchFrameFailsItsCrc32cInTheClient() throws Exception {
    try (BridgeFeed feed = feed(BridgeTestSupport.samples(160, 2), 1).start();
        FrameProxy proxy = new FrameProxy(feed.port()).corruptBatch(3)) {
      Py p = BridgeTestSupport.consumer(dir, via(feed, proxy.address()), 0, 1);
      assertThat(p.await(60)).isEqualTo(3);
      assertThat(p.err()).matches("s3dlio_bridge: ERROR frame: CRC32C mismatch in a BATCH frame of \\d+ payload bytes "
          + "at stream offset \\d+: computed [0-9a-f]{8}, the frame says [0-9a-f]{8}\n");
      assertThat(BridgeTestSupport.batches(dir.resolve("rank0.jsonl"))).hasSize(2);
    }
  }

  @Test
  void aTruncatedFrameIsReportedWhenTheFeedCannotBeReachedAgain() throws Exception {
    try (BridgeFeed feed = feed(BridgeTestSupport.samples(160, 2), 1).start();
        FrameProxy proxy = new FrameProxy(feed.port()).cutBatch(2, true)) {
      Py p = BridgeTestSupport.consumer(dir, via(feed, proxy.address()), 0, 1, "--reconnect-timeout", "1");
      assertThat(p.await(60)).as("stdout:\n%s\nstderr:\n%s", p.out(), p.err()).isEqualTo(3);
      assertThat(p.err()).matches("s3dlio_bridge: ERROR connection: connection lost in the middle of a BATCH frame at "
          + "stream offset \\d+: got \\d+ of \\d+ bytes, the frame is truncated; reconnecting within 1.0 s failed: "
          + "cannot connect to the feed at 127.0.0.1:\\d+: .*\n");
    }
  }

  @Test
  void aDroppedConnectionResumesAtTheNextUnacknowledgedBatch() throws Exception {
    try (BridgeFeed feed = feed(BridgeTestSupport.samples(480, 6), 2).start();
        FrameProxy proxy = new FrameProxy(feed.port()).cutBatch(5, false)) {
      Py r0 = BridgeTestSupport.consumer(dir, via(feed, proxy.address()), 0, 2);
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2);
      r0.awaitOk(120);
      r1.awaitOk(120);
      assertThat(proxy.connections()).isEqualTo(2);
      Map<Long, Integer> seen = counts(2);
      assertThat(seen).hasSize(480);
      assertThat(seen.values()).containsOnly(1);
      assertThat(BridgeTestSupport.batches(dir.resolve("rank0.jsonl"))).hasSize(30);
      assertThat(feed.awaitRuns(1, Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aRankThatDoesNotComeBackFailsTheEpochOnEveryRank() throws Exception {
    try (BridgeFeed feed = feed(BridgeTestSupport.samples(480, 6), 2).option(BridgeOptions.RECONNECT_TIMEOUT, "1s")
        .option(BridgeOptions.PREFETCH_BLOCKS, "1").option(BridgeOptions.BLOCK_PARTITIONS, "1").start()) {
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2);
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2, "--stop-after", "3");
      assertThat(r1.await(60)).isEqualTo(9);
      assertThat(r0.await(60)).isEqualTo(3);
      assertThat(r0.err()).matches("s3dlio_bridge: ERROR rank_timeout: Epoch 0 failed on every rank: rank 1 lost its "
          + "connection at step 3 of 30 and did not reconnect within 1.0 s \\(reconnect-timeout\\)\n");
      assertThat(feed.stats().runsFailed()).isEqualTo(1);
    }
  }

  @Test
  void aTaskFailingOnItsFirstAttemptNeitherRepeatsNorDropsRows() throws Exception {
    INJECTED.set(0);
    UserDefinedFunction failOnce = udf((UDF1<Long, Long>) id -> {
      if (TaskContext.get().attemptNumber() == 0 && TaskContext.getPartitionId() == 2 && id % 50 == 7) {
        INJECTED.incrementAndGet();
        throw new IllegalStateException("injected failure on attempt 0");
      }
      return id;
    }, DataTypes.LongType);
    Dataset<Row> df = BridgeTestSupport.samples(500, 6).withColumn("id", failOnce.apply(col("id")));
    try (BridgeFeed feed = feed(df, 2).tail("pad").start()) {
      assertThat(feed.stepsPerEpoch()).isEqualTo(32); // 500 rows = 31 steps of 16 and 4 rows; padded with 12
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2);
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2);
      r0.awaitOk(120);
      r1.awaitOk(120);
      Map<Long, Integer> seen = counts(2);
      assertThat(seen).hasSize(500);
      assertThat(seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(512);
      Set<Long> twice = new HashSet<>();
      seen.forEach((id, n) -> {
        if (n == 2) {
          twice.add(id);
        }
      });
      assertThat(twice).hasSize(12);
      Set<Long> firstStep = new HashSet<>();
      for (int r = 0; r < 2; r++) {
        for (JsonNode id : BridgeTestSupport.batches(dir.resolve("rank" + r + ".jsonl")).get(0).get("ids")) {
          firstStep.add(id.asLong());
        }
      }
      assertThat(firstStep).as("the pad repeats the start of the epoch's order").containsAll(twice);
    }
    assertThat(INJECTED.get()).as("the first attempt of the task fetching partition 2 failed").isPositive();
  }

  /**
   * The first attempt of a task uploads its partition, then fails (a task completion listener
   * throws): Spark runs it again and accepts the second attempt, whose receipt names the first
   * attempt's upload (same rows). Every row still comes exactly once, and nothing stays buffered.
   */
  @ParameterizedTest
  @ValueSource(strings = {"auto", "tcp"})
  void aTaskFailingAfterItsUploadNeitherRepeatsNorDropsRows(String upload) throws Exception {
    INJECTED.set(0);
    UserDefinedFunction failAfterUpload = udf((UDF1<Long, Long>) id -> {
      TaskContext tc = TaskContext.get();
      if (tc.attemptNumber() == 0 && TaskContext.getPartitionId() == 1 && id % 40 == 3) {
        tc.addTaskCompletionListener((TaskCompletionListener) c -> {
          INJECTED.incrementAndGet();
          throw new IllegalStateException("injected failure after the task's upload");
        });
      }
      return id;
    }, DataTypes.LongType);
    Dataset<Row> df = BridgeTestSupport.samples(480, 6).withColumn("id", failAfterUpload.apply(col("id")));
    try (BridgeFeed feed = feed(df, 2).option(BridgeOptions.UPLOAD, upload).start()) {
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2);
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2);
      r0.awaitOk(120);
      r1.awaitOk(120);
      Map<Long, Integer> seen = counts(2);
      assertThat(seen).hasSize(480);
      assertThat(seen.values()).containsOnly(1);
      assertThat(feed.awaitRuns(1, Duration.ofSeconds(30))).isTrue();
      assertThat(feed.stats().bufferedBytes()).as(feed.stats().toString()).isZero();
    }
    assertThat(INJECTED.get()).as("the first attempt of the task fetching partition 1 failed after its upload")
        .isPositive();
  }

  @Test
  void nonDeterministicInputFailsTheEpochOnEveryRankAndLocalCheckpointCuresIt() throws Exception {
    UserDefinedFunction noise = udf((UDF1<Long, Long>) id -> id * 1000 + ThreadLocalRandom.current().nextInt(1000),
        DataTypes.LongType).asNondeterministic();
    Dataset<Row> df = BridgeTestSupport.samples(160, 4).withColumn("noise", noise.apply(col("id")));
    try (BridgeFeed feed = feed(df, 2).start()) {
      // epoch 0 computes each partition once and records its checksum; epoch 1 computes it again
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2, "--epochs", "2");
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2, "--epochs", "2");
      for (Py p : List.of(r0, r1)) {
        assertThat(p.await(60)).isEqualTo(3);
        assertThat(p.err()).matches("s3dlio_bridge: ERROR non_deterministic: Epoch 1 failed on every rank: partition \\d "
            + "of the DataFrame \\(block \\d \\(partitions \\[.*\\]\\)\\) gave different rows when computed again "
            + "\\(first 40 rows, checksum [0-9a-f]{8}; now 40 rows, checksum [0-9a-f]{8}\\)\\. .*"
            + "persist\\(\\) or localCheckpoint\\(\\) the DataFrame before streaming it\\.\n");
      }
      assertThat(counts(2)).as("epoch 0 was delivered whole").hasSize(160);
    }
    UserDefinedFunction coin = udf((UDF1<Long, Boolean>) id -> ThreadLocalRandom.current().nextBoolean(),
        DataTypes.BooleanType).asNondeterministic();
    try (BridgeFeed feed = feed(BridgeTestSupport.samples(160, 4).filter(coin.apply(col("id"))), 1).start()) {
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 1);
      assertThat(r0.await(60)).isEqualTo(3);
      assertThat(r0.err()).matches("s3dlio_bridge: ERROR non_deterministic: Epoch 0 failed on every rank: partition \\d "
          + ".* gave different rows when computed again \\(counted \\d+ rows; now \\d+ rows\\)\\. .*\n");
    }
    try (BridgeFeed feed = feed(df.localCheckpoint(), 2).start()) {
      Py r0 = BridgeTestSupport.consumer(dir, feed, 0, 2, "--epochs", "2");
      Py r1 = BridgeTestSupport.consumer(dir, feed, 1, 2, "--epochs", "2");
      r0.awaitOk(60);
      r1.awaitOk(60);
      assertThat(counts(2)).hasSize(160);
      assertThat(counts(2).values()).containsOnly(2);
    }
  }

  @Test
  void aSlowRankKeepsTheFeedsMemoryBoundedByTheBlocksInFlight() throws Exception {
    Dataset<Row> df = BridgeTestSupport.samples(1200, 12)
        .withColumn("blob", org.apache.spark.sql.functions.expr("repeat(cast(id as string), 200)"));
    try (BridgeFeed feed = BridgeFeed.builder(df).worldSize(1).batchSize(20).tensor("x", 4)
        .option(BridgeOptions.BLOCK_PARTITIONS, "1").option(BridgeOptions.PREFETCH_BLOCKS, "2").start()) {
      Py slow = BridgeTestSupport.consumer(dir, feed, 0, 1, "--sleep", "0.02", "--credits", "2");
      slow.awaitOk(180);
      FeedStats s = feed.stats();
      assertThat(s.blocksFetched()).isEqualTo(12);
      assertThat(s.peakBufferedBytes()).as(s.toString()).isLessThanOrEqualTo(3 * s.largestBlockBytes());
      assertThat(s.peakBufferedBytes() * 4).as(s.toString()).isLessThan(s.bytesFetched());
      assertThat(s.bufferedBytes()).isZero();
    }
  }
}
