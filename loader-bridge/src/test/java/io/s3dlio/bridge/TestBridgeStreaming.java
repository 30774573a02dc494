package io.s3dlio.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3dlio.bridge.BridgeTestSupport.Py;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestBridgeStreaming {
  @TempDir
  Path dir;

  /** With each way the executors hand over their partitions: in memory, over TCP, as task results. */
  @ParameterizedTest
  @ValueSource(strings = {"auto", "tcp", "off"})
  void everyIdOncePerEpochOnEqualStepsAcrossThreeRanks(String upload) throws Exception {
    Dataset<Row> df = BridgeTestSupport.samples(1200, 7);
    try (BridgeFeed feed = BridgeFeed.builder(df).worldSize(3).batchSize(16).seed(11).tensor("x", 4)
        .option(BridgeOptions.BLOCK_PARTITIONS, "2").option(BridgeOptions.UPLOAD, upload).start()) {
      assertThat(feed.rows()).isEqualTo(1200);
      assertThat(feed.stepsPerEpoch()).isEqualTo(1200 / 48);
      List<Py> ranks = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        ranks.add(BridgeTestSupport.consumer(dir, feed, r, 3, "--epochs", "3"));
      }
      for (Py p : ranks) {
        p.awaitOk(120);
      }
      Map<Long, Integer> seen = new HashMap<>();
      for (int r = 0; r < 3; r++) {
        List<JsonNode> b = BridgeTestSupport.batches(dir.resolve("rank" + r + ".jsonl"));
        assertThat(b).hasSize(3 * 25);
        for (JsonNode n : b) {
          assertThat(n.get("ids")).hasSize(16);
          for (JsonNode id : n.get("ids")) {
            seen.merge(n.get("epoch").asLong() * 1_000_000 + id.asLong(), 1, Integer::sum);
          }
        }
      }
      assertThat(seen).hasSize(3 * 1200);
      assertThat(seen.values()).containsOnly(1);
      assertThat(feed.awaitRuns(3, java.time.Duration.ofSeconds(10))).isTrue();
      assertThat(feed.stats().bufferedBytes()).as(feed.stats().toString()).isZero();
      // 7 partitions per epoch; the count pass reads nothing (no exchange), so every fetch is an epoch's.
      long[] expected = upload.equals("off") ? new long[] {0, 3 * 7} : new long[] {3 * 7, 0};
      assertThat(new long[] {feed.stats().partitionsUploaded(), feed.stats().partitionsAsTaskResults()})
          .as("partitions uploaded, as task results: %s", feed.stats()).isEqualTo(expected);
    }
  }
}
