package io.s3dlio.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3dlio.bridge.BridgeTestSupport.Py;
import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.loader.dataset.Fixtures;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTally;
import io.s3dlio.testing.FaultTargets;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge fed from a Spark TFRecord read on s3:// through the seeded {@link FaultProxy} (only
 * this test's bucket goes through it, by per-bucket keys), to two Python trainer ranks for two
 * epochs: every sample is delivered exactly once per epoch over the two ranks (no duplicate, none
 * missing), its embedding checked by the consumer's ids. A failed run must name the bucket. The
 * session is the bridge tests' local[4,2] (a task may run twice, as on a cluster). Figures in
 * docs/reliability.md ({@code target/reliability/bridge.md}).
 */
class TestBridgeProxyFaults {
  private static final String BUCKET = "bridge-faults";
  private static final int FILES = 12;
  private static final int PER_FILE = 40;

  @TempDir
  Path dir;

  @Test
  void everySampleReachesTheTrainersOncePerEpochThroughFaults() throws Exception {
    long seed = FaultTargets.seed();
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    String base = "s3://" + BUCKET + "/faults-" + seed + "-" + Long.toHexString(System.nanoTime());
    try (StoreRegistry direct = new StoreRegistry(s3.storeConfig())) {
      for (int f = 0; f < FILES; f++) {
        Fixtures.putIndexed(direct, ObjectUri.parse(base + "/part-" + f + ".tfrecord"),
            Fixtures.tfrecord(Fixtures.examples((long) f * PER_FILE, PER_FILE, 100)));
      }
    }
    FaultTally tally = new FaultTally();
    try (FaultProxy proxy = FaultTargets.s3Proxy()) {
      Configuration conf = BridgeTestSupport.spark().sparkContext().hadoopConfiguration();
      conf.set("fs.s3.impl", S3dlioFileSystem.S3.class.getName());
      FaultTargets.hadoopKeys(FaultTargets.s3ViaProxy(proxy)).forEach((k, v) ->
          conf.set("fs.s3dlio.bucket." + BUCKET + "." + k.substring("fs.s3dlio.".length()), v));
      // Doubled rates (the normal retries): a feed sends few requests (one file per task).
      proxy.plan(FaultTargets.readPlan(seed, 2));
      for (int round = 0; round < 2; round++) {
        Path out = Files.createDirectories(dir.resolve("round-" + round));
        tally.run("bridge: 2 epochs to 2 ranks (" + FILES * PER_FILE + " samples)", () -> feed(base, out), BUCKET);
      }
      String table = tally.report("bridge fed by a Spark TFRecord read on s3:// through FaultProxy (seed " + seed
          + ", rates x2)", "bridge.md", proxy);
      assertThat(tally.problems()).as(table).isEmpty();
      // Which requests meet a fault depends on the order the tasks send them in; a run that meets more
      // faults on one object than the retries absorb must fail clearly (naming the bucket), never
      // deliver wrong or missing samples; one of the two must get through.
      assertThat(tally.correct() + tally.failedClearly()).as(table).isEqualTo(2);
      assertThat(tally.correct()).as("%s%nfailures: %s", table, tally.failures()).isPositive();
      assertThat(proxy.injectedTotal()).as(table).isGreaterThan(20);
    }
  }

  /** One feed of two epochs to two ranks; true when every id came exactly twice (once per epoch). */
  private static boolean feed(String base, Path out) throws Exception {
    Dataset<Row> df = BridgeTestSupport.spark().read().format("tfrecord").schema("id bigint, emb array<float>")
        .load(base);
    try (BridgeFeed feed = BridgeFeed.builder(df).worldSize(2).batchSize(8).seed(5).tensor("emb", 4).start()) {
      Py r0 = BridgeTestSupport.consumer(out, feed, 0, 2, "--epochs", "2");
      Py r1 = BridgeTestSupport.consumer(out, feed, 1, 2, "--epochs", "2");
      for (Py p : new Py[] {r0, r1}) {
        if (p.await(300) != 0) {
          throw new IOException(p.name + " failed: " + p.err().trim());
        }
      }
    }
    Map<Long, Integer> seen = new HashMap<>();
    for (int r = 0; r < 2; r++) {
      for (JsonNode b : BridgeTestSupport.batches(out.resolve("rank" + r + ".jsonl"))) {
        for (JsonNode id : b.get("ids")) {
          seen.merge(id.asLong(), 1, Integer::sum);
        }
      }
    }
    return seen.size() == FILES * PER_FILE && seen.values().stream().allMatch(n -> n == 2)
        && seen.keySet().stream().allMatch(id -> id >= 0 && id < FILES * PER_FILE);
  }
}
