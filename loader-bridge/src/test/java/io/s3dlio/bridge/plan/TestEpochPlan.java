package io.s3dlio.bridge.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestEpochPlan {
  private static final long[] COUNTS = {5, 0, 13, 7, 22, 1, 9, 30, 4};

  /** What each output position of a run holds: partition * 1000 + natural row, from the executors' placements. */
  private static Map<Long, Long> deliver(RunPlan run) {
    Map<Long, Long> at = new HashMap<>();
    for (FetchUnit u : run.units()) {
      for (PartitionTask t : run.tasks(u, id -> null)) {
        PartitionTask.Placement p = t.placement();
        assertThat(p.positions()).isSorted();
        for (int row = 0; row < p.slots().length; row++) {
          int slot = p.slots()[row];
          if (slot >= 0) {
            long position = p.positions()[slot];
            assertThat(position).isBetween(u.outStart(), u.outEnd() - 1);
            assertThat(at.put(position, t.partition() * 1000L + row)).as("position %d twice", position).isNull();
          }
        }
      }
    }
    return at;
  }

  @Test
  void placementIsTheSameWhetherTheUnitRangeIsMarkedOrSorted() {
    // a range about the block's size is placed by marking each row's offset; a far larger one by a sort
    for (int index = 0; index < 3; index++) {
      long[] counts = {500, 700, 333};
      PartitionTask.Placement marked = new PartitionTask(7, counts, index, 100, 42, 100, 1633, 0, false, 0).placement();
      PartitionTask.Placement sorted = new PartitionTask(7, counts, index, 100, 42, 100, 1_000_000, 0, false, 0)
          .placement();
      PartitionTask.Placement partMarked = new PartitionTask(7, counts, index, 100, 42, 600, 1100, 0, false, 0)
          .placement();
      assertThat(marked.slots()).isEqualTo(sorted.slots());
      assertThat(marked.positions()).isEqualTo(sorted.positions()).isSorted().hasSize((int) counts[index]);
      assertThat(partMarked.positions()).isSorted();
      assertThat(Arrays.stream(partMarked.positions()).allMatch(p -> p >= 600 && p < 1100)).isTrue();
      for (int row = 0; row < counts[index]; row++) {
        long position = marked.positions()[marked.slots()[row]];
        int slot = partMarked.slots()[row];
        assertThat(slot >= 0).as("row %d", row).isEqualTo(position >= 600 && position < 1100);
        if (slot >= 0) {
          assertThat(partMarked.positions()[slot]).isEqualTo(position);
        }
      }
    }
  }

  @Test
  void splitMix64MatchesTheReferenceSequence() {
    SplitMix64 r = new SplitMix64(0);
    assertThat(r.nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
    assertThat(r.nextLong()).isEqualTo(0x6E789E6AA1B965F4L);
    assertThat(r.nextLong()).isEqualTo(0x06C45D188009454FL);
  }

  @Test
  void permutationIsABijectionAndDependsOnTheSeed() {
    int[] p = SplitMix64.permutation(1000, 42);
    assertThat(Arrays.stream(p).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 1000).toArray());
    assertThat(p).isEqualTo(SplitMix64.permutation(1000, 42)).isNotEqualTo(SplitMix64.permutation(1000, 43));
  }

  @Test
  void dropDeliversEveryPositionOnceAndDistinctRows() {
    EpochPlan e = EpochPlan.of(COUNTS, 3, 7, 2);
    assertThat(e.rows()).isEqualTo(91);
    RunPlan run = new RunPlan(e, 0, 2, 4, Tail.DROP);
    assertThat(run.steps()).isEqualTo(11);
    Map<Long, Long> at = deliver(run);
    assertThat(at.keySet()).containsExactlyInAnyOrderElementsOf(range(0, 88));
    assertThat(new HashSet<>(at.values())).hasSize(88);
  }

  @Test
  void padWrapsToTheStartOfTheSameOrder() {
    EpochPlan e = EpochPlan.of(COUNTS, 3, 7, 2);
    RunPlan run = new RunPlan(e, 0, 2, 4, Tail.PAD);
    assertThat(run.steps()).isEqualTo(12);
    Map<Long, Long> at = deliver(run);
    assertThat(at.keySet()).containsExactlyInAnyOrderElementsOf(range(0, 96));
    Set<Long> rows = new HashSet<>();
    for (long p = 0; p < 91; p++) {
      rows.add(at.get(p));
    }
    assertThat(rows).hasSize(91);
    for (long p = 91; p < 96; p++) {
      assertThat(at.get(p)).isEqualTo(at.get(p - 91));
    }
    assertThat(run.units().stream().filter(FetchUnit::wrap)).isNotEmpty();
  }

  @Test
  void theOrderDoesNotDependOnWorldSizeOrOffset() {
    EpochPlan e = EpochPlan.of(COUNTS, 2, 99, 5);
    Map<Long, Long> whole = deliver(new RunPlan(e, 0, 1, 1, Tail.DROP));
    Map<Long, Long> resumed = deliver(new RunPlan(e, 24, 3, 4, Tail.DROP));
    assertThat(resumed.keySet()).containsExactlyInAnyOrderElementsOf(range(24, 24 + 5 * 12));
    resumed.forEach((p, row) -> assertThat(row).as("position %d", p).isEqualTo(whole.get(p)));
  }

  @Test
  void epochsAndSeedsGiveDifferentOrdersTheSameEpochTheSame() {
    Map<Long, Long> a = deliver(new RunPlan(EpochPlan.of(COUNTS, 3, 7, 0), 0, 1, 1, Tail.DROP));
    assertThat(deliver(new RunPlan(EpochPlan.of(COUNTS, 3, 7, 0), 0, 1, 1, Tail.DROP))).isEqualTo(a);
    assertThat(deliver(new RunPlan(EpochPlan.of(COUNTS, 3, 7, 1), 0, 1, 1, Tail.DROP))).isNotEqualTo(a);
    assertThat(deliver(new RunPlan(EpochPlan.of(COUNTS, 3, 8, 0), 0, 1, 1, Tail.DROP))).isNotEqualTo(a);
  }

  @Test
  void blocksShuffleRowsAcrossTheirPartitions() {
    EpochPlan e = EpochPlan.of(new long[] {100, 100, 100, 100}, 2, 3, 0);
    Map<Long, Long> at = deliver(new RunPlan(e, 0, 1, 1, Tail.DROP));
    int[] first = e.blockPartitionIds(0);
    Set<Long> fromFirstBlock = new HashSet<>();
    for (long p = 0; p < 200; p++) {
      fromFirstBlock.add(at.get(p) / 1000);
    }
    assertThat(fromFirstBlock).containsExactlyInAnyOrder((long) first[0], (long) first[1]);
    long switches = 0;
    for (long p = 1; p < 200; p++) {
      switches += at.get(p) / 1000 != at.get(p - 1) / 1000 ? 1 : 0;
    }
    assertThat(switches).as("rows of the two partitions interleave").isGreaterThan(50);
  }

  @Test
  void tooFewRowsAndBadOffsetsAreRefused() {
    EpochPlan e = EpochPlan.of(new long[] {3, 4}, 1, 0, 0);
    assertThatThrownBy(() -> new RunPlan(e, 0, 2, 4, Tail.DROP)).hasMessageContaining("7 rows, fewer than one global step");
    assertThatThrownBy(() -> new RunPlan(e, 20, 1, 2, Tail.DROP)).hasMessageContaining("offset 20 is outside");
    assertThat(new RunPlan(e, 7, 1, 2, Tail.PAD).steps()).isZero();
  }

  @Test
  void tailSteps() {
    assertThat(Tail.DROP.steps(100, 0, 16)).isEqualTo(6);
    assertThat(Tail.PAD.steps(100, 0, 16)).isEqualTo(7);
    assertThat(Tail.DROP.steps(100, 96, 16)).isZero();
    assertThat(Tail.PAD.steps(100, 96, 16)).isEqualTo(1);
    assertThatThrownBy(() -> Tail.parse("wrap")).hasMessageContaining("tail = 'wrap' is not drop or pad");
  }

  private static Set<Long> range(long from, long to) {
    Set<Long> s = new HashSet<>();
    for (long i = from; i < to; i++) {
      s.add(i);
    }
    return s;
  }
}
