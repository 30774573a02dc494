package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTally;
import io.s3dlio.testing.FaultTargets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoint saves and loads on S3Proxy through the seeded {@link FaultProxy} (every fault kind, in
 * every request kind a save or a load sends: single and multipart uploads, HEADs, GETs, listings,
 * deletes). After each save, a fault-free view of the same root decides: a save that returned is
 * committed and loads with the saved bytes (CRC32C); a save that failed is never visible (not
 * listed, not committed). After each save the oldest and the newest committed checkpoint are loaded
 * through the proxy: the saved bytes, or an IOException naming the root. Figures in docs/reliability.md ({@code
 * target/reliability/checkpoint-*.md}). Seed: {@code -Ds3dlio.faults.seed=N}.
 */
class TestCheckpointProxyFaults {
  /** Floats of the big tensor: 6 MiB, more than one 5 MiB part (a multipart upload). */
  private static final int BIG_FLOATS = 3 << 19;

  static FaultPlan plan(long seed, double scale) {
    return FaultPlan.seeded(seed)
        .rate(Fault.THROTTLE, 0.05 * scale).throttleBurst(2)
        .rate(Fault.SERVER_ERROR, 0.03 * scale)
        .rate(Fault.RESET, 0.04 * scale)
        .rate(Fault.DROP_RESPONSE, 0.03 * scale)
        .rate(Fault.STALL, 0.01 * scale).stall(Duration.ofMillis(1500))
        .rate(Fault.TRUNCATE, 0.04 * scale, FaultPlan.RequestKind.GET)
        .rate(Fault.TRICKLE, 0.02 * scale).trickle(4096, Duration.ofMillis(1), 64 << 10)
        .build();
  }

  private static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  /** scale 1: the normal retries; 2: every rate doubled and one retry, so that operations fail. */
  @ParameterizedTest(name = "rates x{0}")
  @ValueSource(ints = {1, 2})
  void aSaveIsCommittedWholeOrNeverVisibleAndLoadsAreExact(int scale) throws Exception {
    long seed = FaultTargets.seed();
    ObjectStore direct = TestStores.s3();
    ObjectUri root = ObjectUri.parse("s3://" + TestStores.BUCKET + "/faults-" + seed + "-x" + scale + "-"
        + Long.toHexString(System.nanoTime()) + "/");
    FaultTally tally = new FaultTally();
    List<String> invisible = new ArrayList<>();
    try (FaultProxy proxy = FaultTargets.s3Proxy();
        ObjectStore faulty = ObjectStores.open(ObjectUri.Scheme.S3, FaultTargets.s3ViaProxy(proxy)
            .with(scale == 1 ? Map.of() : Map.of("s3.max-retries", "1", "s3.resume-attempts", "1")));
        CheckpointStore viaProxy = CheckpointStore.open(faulty, root, AbstractCheckpointStoreTest.SMALL_CHUNKS
            .withChunkSize(64 << 10));
        CheckpointStore clean = CheckpointStore.open(direct, root, AbstractCheckpointStoreTest.SMALL_CHUNKS)) {
      proxy.plan(plan(seed, scale));
      List<Long> saved = new ArrayList<>();
      Map<Long, Map<String, Long>> expected = new java.util.HashMap<>();
      // which request meets which seeded fault depends on the order of the parallel uploads: more steps
      // (up to 24) run until every fault kind has been met at least once
      long steps = 0;
      for (long step = 1; step <= 8
          || (step <= 24 && Arrays.stream(Fault.values()).anyMatch(f -> proxy.injected(f) == 0)); step++) {
        steps = step;
        List<TensorSource> tensors = new ArrayList<>(Fixtures.exact());
        tensors.add(Fixtures.randomF32("w", step % 4 == 0 ? BIG_FLOATS : 50_000, seed + step));
        Map<String, Long> crcs = new java.util.TreeMap<>();
        AbstractCheckpointStoreTest.bytesOf(tensors).forEach((k, v) -> crcs.put(k, crc(v)));
        long s = step;
        try {
          viaProxy.save(step, tensors, Map.of("step", Long.toString(step)));
          // Returned: committed, and the bytes are the saved ones (read without faults).
          if (clean.committedSteps().contains(s) && crcs.equals(crcsOf(clean.load(s)))) {
            tally.correct("save");
            saved.add(s);
            expected.put(s, crcs);
          } else {
            tally.wrong("save", "step " + s + " returned but is not committed with its bytes");
          }
        } catch (Exception e) {
          tally.failed("save", e, root.toString());
          // Failed: never visible.
          if (clean.committedSteps().contains(s) || clean.list().stream().anyMatch(i -> i.step() == s)) {
            tally.wrong("save", "step " + s + " failed but is visible");
          } else {
            invisible.add("step " + s);
          }
        }
        // Through the proxy: the newest and the oldest committed checkpoint.
        for (long l : saved.isEmpty() ? List.<Long>of() : new java.util.TreeSet<>(List.of(saved.get(0),
            saved.get(saved.size() - 1)))) {
          Map<String, Long> want = expected.get(l);
          tally.run("load", () -> want.equals(crcsOf(viaProxy.load(l))), root.toString());
        }
      }
      assertThat(clean.committedSteps()).as("committed: exactly the saves that returned").isEqualTo(saved);
      String table = tally.report("checkpoint save and load on s3:// through FaultProxy (seed " + seed
          + (scale == 1 ? ")" : ", harsh: rates x2, one retry)") + "; failed saves, none visible: " + invisible,
          "checkpoint-x" + scale + ".md", proxy);
      assertThat(tally.problems()).as(table).isEmpty();
      assertThat(proxy.injectedTotal()).as(table).isGreaterThan(20);
      assertThat(Arrays.stream(Fault.values()).filter(f -> proxy.injected(f) == 0).toList())
          .as("fault kinds never injected\n%s", table).isEmpty();
      if (scale == 1) {
        assertThat(saved).as(table).hasSize((int) steps);
      } else {
        assertThat(tally.failedClearly()).as(table).isPositive();
      }
    }
  }

  private static Map<String, Long> crcsOf(Checkpoint c) throws java.io.IOException {
    Map<String, Long> m = new java.util.TreeMap<>();
    c.readAll().forEach((k, t) -> m.put(k, crc(t.bytes())));
    return m;
  }
}
