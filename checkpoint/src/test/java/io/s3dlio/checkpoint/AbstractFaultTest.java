package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.dist.InProcessCollective;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault at each step of a save, for world sizes 1 and 3: afterwards only the earlier checkpoint
 * is visible (listed, latest, the latest pointer), the failed step does not load, and the failed
 * save's shards are gone. A failed latest update leaves the new checkpoint committed (the manifest
 * is the commit) and the pointer on the earlier one.
 */
abstract class AbstractFaultTest {
  /** Floats of the failing rank's shard in the part-upload case: 6 MiB, more than one 5 MiB part. */
  static final int BIG_FLOATS = 3 << 19;

  protected abstract ObjectStore store();

  protected abstract ObjectUri freshRoot();

  enum Point {
    PART_UPLOAD, AFTER_FIRST_SHARD, AFTER_LAST_SHARD, BEFORE_MANIFEST, MANIFEST_WRITE, LATEST_UPDATE
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (int world : new int[] {1, 3}) {
      for (Point p : Point.values()) {
        out.add(Arguments.of(p, world));
      }
    }
    return out.stream();
  }

  private List<CheckpointInfo> saveAll(CheckpointStore cs, long step, int world, int bigRank) throws Exception {
    List<CheckpointCollective> group = InProcessCollective.create(world, Duration.ofSeconds(60));
    return AbstractCheckpointStoreTest.runRanks(world, r -> cs.save(step, List.of(
        Fixtures.randomF32("w", r == bigRank ? BIG_FLOATS : 20_000, step * 10 + r)), Map.of("step", "" + step),
        group.get(r)));
  }

  @ParameterizedTest(name = "{0}, world size {1}")
  @MethodSource("cases")
  void onlyEarlierCheckpointsAreVisible(Point point, int world) throws Exception {
    FaultyStore faulty = new FaultyStore(store());
    ObjectUri root = freshRoot();
    try (CheckpointStore cs = CheckpointStore.open(faulty, root, AbstractCheckpointStoreTest.SMALL_CHUNKS)) {
      saveAll(cs, 1, world, -1);
      int last = world - 1;
      int bigRank = -1;
      switch (point) {
        case PART_UPLOAD -> {
          bigRank = last;
          faulty.inject(FaultyStore.Kind.WRITE, String.format("rank-%05d", last), (11L << 20) / 2);   // inside the second 5 MiB part
        }
        case AFTER_FIRST_SHARD -> faulty.inject(FaultyStore.Kind.FAIL_AFTER_CLOSE, "rank-00000");
        case AFTER_LAST_SHARD -> faulty.inject(FaultyStore.Kind.FAIL_AFTER_CLOSE, String.format("rank-%05d", last));
        case BEFORE_MANIFEST -> faulty.inject(FaultyStore.Kind.STAT, String.format("step-000000000002/"));
        case MANIFEST_WRITE -> faulty.inject(FaultyStore.Kind.PUT, "step-000000000002.manifest.json");
        case LATEST_UPDATE -> faulty.inject(FaultyStore.Kind.PUT, "latest");
        default -> throw new AssertionError(point);
      }
      int big = bigRank;
      if (point == Point.LATEST_UPDATE) {
        List<CheckpointInfo> infos = saveAll(cs, 2, world, big);
        assertThat(faulty.fired()).isEqualTo(1);
        assertThat(infos).extracting(CheckpointInfo::step).containsOnly(2L);
        assertThat(cs.list()).extracting(CheckpointInfo::step).containsExactly(1L, 2L);
        assertThat(cs.latestPointer()).as("the pointer never moved past what it saw committed").contains(1L);
        assertThat(cs.latest().orElseThrow().step()).as("readers list manifests").isEqualTo(2);
        cs.verify(2);
      } else {
        assertThatThrownBy(() -> saveAll(cs, 2, world, big)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(CheckpointException.class)
            .hasMessageContaining("step 2").hasMessageContaining("injected fault")
            .hasMessageContaining("nothing was committed");
        assertThat(faulty.fired()).isEqualTo(1);
        assertThat(cs.list()).extracting(CheckpointInfo::step).containsExactly(1L);
        assertThat(cs.committedSteps()).containsExactly(1L);
        assertThat(cs.latest().orElseThrow().step()).isEqualTo(1);
        assertThat(cs.latestPointer()).contains(1L);
        assertThatThrownBy(() -> cs.load(2)).isInstanceOf(CheckpointNotFoundException.class);
        assertThat(cs.uncommittedSaves()).as("the failed save's shards were removed").isEmpty();
      }
      assertThat(cs.loadLatest().readAll(0)).containsKey("w");
      // and the next save goes through
      saveAll(cs, 3, world, -1);
      assertThat(cs.latestPointer()).contains(3L);
      assertThat(cs.latest().orElseThrow().step()).isEqualTo(3);
    }
  }

  @Test
  void aManifestWriteWhoseReplyIsLostStillCommits() throws Exception {
    FaultyStore faulty = new FaultyStore(store());
    try (CheckpointStore cs = CheckpointStore.open(faulty, freshRoot(), AbstractCheckpointStoreTest.SMALL_CHUNKS)) {
      faulty.inject(FaultyStore.Kind.PUT_LOST_REPLY, "step-000000000001.manifest.json");
      CheckpointInfo info = cs.save(1, List.of(Fixtures.randomF32("w", 1000, 1)), Map.of());
      assertThat(faulty.fired()).isEqualTo(1);
      assertThat(cs.load(1).saveId()).isEqualTo(info.saveId());
      assertThat(cs.latestPointer()).contains(1L);
      cs.verify(1);
    }
  }

  @Test
  void onlyTheTensorsAskedForAreRead() throws Exception {
    FaultyStore counting = new FaultyStore(store());
    try (CheckpointStore cs = CheckpointStore.open(counting, freshRoot(), AbstractCheckpointStoreTest.SMALL_CHUNKS)) {
      cs.save(1, List.of(Fixtures.randomF32("a", 250_000, 1), Fixtures.randomF32("b", 1000, 2),
          Fixtures.randomF32("c", 250_000, 3)), Map.of());
      counting.rangeBytes.set(0);   // the commit check opened the shard too
      Checkpoint ck = cs.load(1);
      long opened = counting.rangeBytes.getAndSet(0);
      assertThat(opened).as("open reads the header and the shard's last 64 KiB (trailer and index) only")
          .isLessThanOrEqualTo(256 + (64 << 10));
      ck.read("b");
      assertThat(counting.rangeBytes.get()).isEqualTo(4000);
    }
  }
}
