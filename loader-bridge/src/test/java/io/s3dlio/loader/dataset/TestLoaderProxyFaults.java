package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.loader.Batch;
import io.s3dlio.loader.BatchIterator;
import io.s3dlio.loader.DataLoader;
import io.s3dlio.loader.ErrorPolicy;
import io.s3dlio.loader.LoaderException;
import io.s3dlio.loader.LoaderOptions;
import io.s3dlio.loader.MapDataset;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTally;
import io.s3dlio.testing.FaultTargets;
import io.s3dlio.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data loader on S3Proxy through the seeded {@link FaultProxy}: a TFRecord dataset read by its
 * indexes (coalesced range GETs) and a raw-object dataset, each loaded for several shuffled epochs
 * by 4 workers. An epoch is correct when every sample came exactly once (no duplicate, none
 * missing) with its bytes (ids, embeddings and names checked; raw objects by CRC32C); otherwise it
 * must fail with the loader's error naming the object. Figures in docs/reliability.md
 * ({@code target/reliability/loader-*.md}). Seed: {@code -Ds3dlio.faults.seed=N}.
 */
class TestLoaderProxyFaults {
  private static final String BUCKET = "loader-faults";
  private static final int EPOCHS = 3;

  private static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  @ParameterizedTest(name = "rates x{0}")
  @ValueSource(ints = {1, 2})
  void everyEpochDeliversEverySampleOnceWithItsBytesOrFailsClearly(int scale) throws Exception {
    long seed = FaultTargets.seed();
    S3ProxyServer.get().createBucket(BUCKET);
    ObjectUri root = ObjectUri.parse("s3://" + BUCKET + "/faults-" + seed + "-x" + scale + "-"
        + Long.toHexString(System.nanoTime()) + "/");
    Map<Long, Long> rawCrcs = new HashMap<>();
    try (StoreRegistry direct = new StoreRegistry(S3ProxyServer.get().storeConfig())) {
      for (int f = 0; f < 4; f++) {
        Fixtures.putIndexed(direct, root.child("tf/part-" + f + ".tfrecord"),
            Fixtures.tfrecord(Fixtures.examples(f * 100L, 100, 200)));
      }
      Random random = new Random(seed);
      for (long i = 0; i < 40; i++) {
        byte[] b = new byte[1000 + random.nextInt(60_000)];
        random.nextBytes(b);
        ObjectUri u = root.child(String.format("raw/obj-%03d", i));
        direct.storeFor(u).put(u, b);
        rawCrcs.put(i, crc(b));
      }
    }
    FaultTally tally = new FaultTally();
    try (FaultProxy proxy = FaultTargets.s3Proxy();
        StoreRegistry stores = new StoreRegistry(FaultTargets.s3ViaProxy(proxy).with(scale == 1 ? Map.of()
            : Map.of("s3.max-retries", "1", "s3.resume-attempts", "1")))) {
      // harsh (one retry): the datasets open before the faults start, so that the epochs meet them (two
      // throttled LIST pages could otherwise fail both opens and leave nothing to run)
      if (scale == 1) {
        proxy.plan(FaultTargets.readPlan(seed, scale));
      }
      TfFeature[] features = {TfFeature.int64("id"), TfFeature.float32("emb", 4), TfFeature.bytes("name")};
      MapDataset[] tf = new MapDataset[1];
      MapDataset[] raw = new MapDataset[1];
      tally.run("open dataset (list, indexes)", () -> {
        tf[0] = TfRecordDataset.builder(stores).prefix(root.child("tf/")).features(features).build();
        return tf[0].size() == 400;
      }, root.toString());
      tally.run("open dataset (list, indexes)", () -> {
        raw[0] = RawObjectDataset.fromPrefix(stores, root.child("raw/"));
        return raw[0].size() == 40;
      }, root.toString());
      if (scale != 1) {
        proxy.plan(FaultTargets.readPlan(seed, scale));
      }
      // which requests meet which seeded fault depends on the workers' interleaving: more epochs (up to
      // 3x) run until every fault kind has been met at least once
      for (int epoch = 0; epoch < EPOCHS
          || (epoch < 3 * EPOCHS && Arrays.stream(Fault.values()).anyMatch(f -> proxy.injected(f) == 0)); epoch++) {
        long s = seed + epoch;
        if (tf[0] != null) {
          tally.run("TFRecord epoch (400 samples, by index)", () -> unwrapped(() -> tfEpoch(tf[0], s)),
              root.toString());
        }
        if (raw[0] != null) {
          tally.run("raw-object epoch (40 objects)", () -> unwrapped(() -> rawEpoch(raw[0], s, rawCrcs)),
              root.toString());
        }
      }
      String table = tally.report("loader on s3:// through FaultProxy (seed " + seed
          + (scale == 1 ? ")" : ", harsh: rates x2, one retry)"), "loader-x" + scale + ".md", proxy);
      assertThat(tally.problems()).as(table).isEmpty();
      assertThat(Arrays.stream(Fault.values()).filter(f -> proxy.injected(f) == 0).toList())
          .as("fault kinds never injected\n%s", table).isEmpty();
      if (scale == 1) {
        // the loader has no retry above the store's: which requests meet the seeded faults depends on
        // the workers' interleaving, so now and then an epoch meets more faults on one object than the
        // store's retries absorb and fails with a clear error (counted above); most must complete
        assertThat(tally.correct()).as(table).isGreaterThanOrEqualTo(2 + EPOCHS)
            .isGreaterThan(tally.failedClearly());
      } else {
        assertThat(tally.failedClearly()).as(table).isPositive();
      }
    }
  }

  /** The loader's failure as its cause: the sample's IOException, which names the object and offset. */
  private static boolean unwrapped(java.util.concurrent.Callable<Boolean> epoch) throws Exception {
    try {
      return epoch.call();
    } catch (LoaderException e) {
      throw e.getCause() instanceof java.io.IOException io ? io : e;
    }
  }

  /** One shuffled epoch: every id once, its embedding and name; false on any difference. */
  private static boolean tfEpoch(MapDataset ds, long seed) throws Exception {
    boolean[] seen = new boolean[400];
    int n = 0;
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(16).shuffle(true)
        .shuffleBlock(16).seed(seed).numWorkers(4).errorPolicy(ErrorPolicy.FAIL).build()).build();
        BatchIterator it = l.iterator()) {
      while (it.hasNext()) {
        Batch b = it.next();
        for (int r = 0; r < b.size(); r++) {
          long id = b.tensor("id").longs()[r];
          float[] emb = Arrays.copyOfRange(b.tensor("emb").floats(), 4 * r, 4 * r + 4);
          if (id != b.indices()[r] || id < 0 || id >= 400 || seen[(int) id]
              || !Arrays.equals(emb, new float[] {id, id + 0.5f, -id, 1f})
              || !new String(b.bytes("name")[r], StandardCharsets.UTF_8).equals("n" + id)) {
            return false;
          }
          seen[(int) id] = true;
          n++;
        }
      }
    }
    return n == 400;
  }

  /** One shuffled epoch of the raw objects: every object once, by CRC32C. */
  private static boolean rawEpoch(MapDataset ds, long seed, Map<Long, Long> crcs) throws Exception {
    Map<Long, Integer> seen = new HashMap<>();
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(7).shuffle(true)
        .seed(seed).numWorkers(4).errorPolicy(ErrorPolicy.FAIL).build()).build(); BatchIterator it = l.iterator()) {
      while (it.hasNext()) {
        Batch b = it.next();
        for (int r = 0; r < b.size(); r++) {
          long i = b.indices()[r];
          if (!crcs.get(i).equals(crc(b.bytes(RawObjectDataset.FIELD)[r]))) {
            return false;
          }
          seen.merge(i, 1, Integer::sum);
        }
      }
    }
    return seen.size() == crcs.size() && seen.values().stream().allMatch(c -> c == 1);
  }
}
