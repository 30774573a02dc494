package io.s3dlio.loader.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.loader.sampler.DistributedSampler.Segment;
import io.s3dlio.loader.sampler.DistributedSampler.Tail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TestSamplers {

  static long[] epoch(Sampler s, long e) {
    s.setEpoch(e);
    long[] out = new long[(int) s.length()];
    for (int p = 0; p < out.length; p++) {
      out[p] = s.index(p);
    }
    return out;
  }

  static long[] sorted(long[] a) {
    long[] c = a.clone();
    Arrays.sort(c);
    return c;
  }

  static long[] range(long n) {
    long[] r = new long[(int) n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  @Test
  void sequentialIsIdentity() {
    assertThat(epoch(new SequentialSampler(5), 3)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void randomIsAPermutationForEverySize() {
    for (long n : new long[] {0, 1, 2, 3, 5, 16, 17, 255, 1000, 4097}) {
      long[] order = epoch(new RandomSampler(n, 7), 0);
      assertThat(sorted(order)).as("n=%d", n).containsExactly(range(n));
      long[] blocks = epoch(new BlockShuffleSampler(n, 16, 7), 1);
      assertThat(sorted(blocks)).as("block n=%d", n).containsExactly(range(n));
    }
  }

  @Test
  void sameSeedSameOrderOtherEpochOtherOrder() {
    for (Supplier<Sampler> make : List.<Supplier<Sampler>>of(() -> new RandomSampler(1000, 42),
        () -> new BlockShuffleSampler(1000, 32, 42), () -> new WeightedSampler(weights(1000), 1000, 42))) {
      long[] a0 = epoch(make.get(), 0);
      long[] b0 = epoch(make.get(), 0);
      long[] a1 = epoch(make.get(), 1);
      assertThat(a0).isEqualTo(b0);
      assertThat(a1).isNotEqualTo(a0);
      assertThat(epoch(make.get(), 1)).isEqualTo(a1);
    }
    assertThat(epoch(new RandomSampler(1000, 1), 0)).isNotEqualTo(epoch(new RandomSampler(1000, 2), 0));
    // not the identity, and far from it: most elements move
    long[] p = epoch(new RandomSampler(1000, 3), 0);
    int fixed = 0;
    for (int i = 0; i < p.length; i++) {
      fixed += p[i] == i ? 1 : 0;
    }
    assertThat(fixed).isLessThan(10);
  }

  @Test
  void blockShuffleKeepsBlocksTogether() {
    BlockShuffleSampler s = new BlockShuffleSampler(1000, 50, 9);
    long[] order = epoch(s, 4);
    // every aligned run of 50 positions that does not straddle the short block is one whole block
    Set<Long> blocksSeen = new HashSet<>();
    for (int p = 0; p < 1000; p += 50) {
      Set<Long> b = new HashSet<>();
      for (int q = p; q < p + 50; q++) {
        b.add(order[q] / 50);
      }
      assertThat(b).hasSize(1);
      blocksSeen.addAll(b);
    }
    assertThat(blocksSeen).hasSize(20);
    assertThat(order).isNotEqualTo(range(1000));
  }

  /** The group number of each base position, from {@link Sampler#groupEnd} walked from 0. */
  private static int[] groupOfPosition(Sampler s) {
    int[] g = new int[(int) s.length()];
    int group = 0;
    for (long p = 0; p < s.length(); group++) {
      long end = s.groupEnd(p);
      assertThat(end).as("groupEnd(%d)", p).isGreaterThan(p).isLessThanOrEqualTo(s.length());
      for (long q = p; q < end; q++) {
        if (s.groupEnd(q) != end) {
          throw new AssertionError("groupEnd(" + q + ") = " + s.groupEnd(q) + ", but its group ends at " + end);
        }
        g[(int) q] = group;
      }
      p = end;
    }
    return g;
  }

  /**
   * Group shuffle: a permutation; each group (positions between groupEnds) holds exactly the
   * indices of at most {@code mix} whole blocks; within a group, blocks are mixed (a run of one
   * block's length draws from several blocks); mix 1 is the plain block shuffle.
   */
  @Test
  void groupShuffleDrawsEachGroupFromWholeBlocks() {
    Random rnd = new Random(77);
    boolean mixedSomewhere = false;
    for (int trial = 0; trial < 200; trial++) {
      long n = rnd.nextInt(400);
      long block = 1 + rnd.nextInt(30);
      long mix = 1 + rnd.nextInt(5);
      long e = rnd.nextInt(3);
      BlockShuffleSampler s = new BlockShuffleSampler(n, block, mix, 31);
      long[] order = epoch(s, e);
      String what = "n=" + n + " block=" + block + " mix=" + mix + " epoch=" + e;
      assertThat(sorted(order)).as(what).containsExactly(range(n));
      int[] group = n == 0 ? new int[0] : groupOfPosition(s);
      for (int p = 0; p < n; ) {
        int q = p;
        Map<Long, Integer> perBlock = new HashMap<>();
        while (q < n && group[q] == group[p]) {
          perBlock.merge(order[q] / block, 1, Integer::sum);
          q++;
        }
        assertThat(perBlock.size()).as(what).isLessThanOrEqualTo((int) mix);
        for (Map.Entry<Long, Integer> b : perBlock.entrySet()) {
          long size = Math.min(block, n - b.getKey() * block);
          assertThat(b.getValue().longValue()).as("%s: whole block %d in group at %d", what, b.getKey(), p)
              .isEqualTo(size);
        }
        if (perBlock.size() > 1) {
          Set<Long> firstRun = new HashSet<>();
          for (int r = p; r < Math.min(q, p + block); r++) {
            firstRun.add(order[r] / block);
          }
          mixedSomewhere |= firstRun.size() > 1;
        }
        p = q;
      }
      if (mix == 1) {
        assertThat(order).as(what).isEqualTo(epoch(new BlockShuffleSampler(n, block, 31), e));
      }
    }
    assertThat(mixedSomewhere).isTrue();
    assertThat(epoch(new BlockShuffleSampler(500, 10, 4, 1), 0)).isNotEqualTo(epoch(new BlockShuffleSampler(500, 10, 4,
        1), 1));
    assertThatThrownBy(() -> new BlockShuffleSampler(10, 2, 0, 1)).hasMessageContaining("mixed 0 at a time");
  }

  /**
   * A rank's group runs (its groupEnd) only span positions whose samples lie in one group of the
   * base sampler, also after a reshard and across padding; and they are not trivially short.
   */
  @Test
  void distributedGroupsStayInsideTheBaseGroups() {
    Random rnd = new Random(78);
    boolean longRun = false;
    for (int trial = 0; trial < 120; trial++) {
      int n = 1 + rnd.nextInt(200);
      int block = 1 + rnd.nextInt(20);
      int mix = 1 + rnd.nextInt(4);
      int w0 = 1 + rnd.nextInt(4);
      int w1 = 1 + rnd.nextInt(4);
      Tail tail = rnd.nextBoolean() ? Tail.PAD : Tail.DROP;
      boolean reshard = rnd.nextBoolean();
      BlockShuffleSampler base = new BlockShuffleSampler(n, block, mix, 9);
      long[] baseOrder = epoch(base, 1);
      int[] baseGroup = groupOfPosition(base);
      Map<Long, Integer> groupOfIndex = new HashMap<>();
      for (int p = 0; p < n; p++) {
        groupOfIndex.put(baseOrder[p], baseGroup[p]);
      }
      List<Segment> segs = List.of();
      if (reshard) {
        long[] counts = new long[w0];
        for (int r = 0; r < w0; r++) {
          counts[r] = rnd.nextInt((int) DistributedSampler.share(n, w0, Tail.PAD) + 1);
        }
        segs = List.of(new Segment(w0, counts));
      }
      for (int r = 0; r < w1; r++) {
        DistributedSampler d = new DistributedSampler(new BlockShuffleSampler(n, block, mix, 9), r, w1, tail);
        d.setEpoch(1);
        if (reshard) {
          d.resume(segs);
        }
        String what = "trial " + trial + ": n=" + n + " block=" + block + " mix=" + mix + " " + w0 + "->" + w1
            + " rank " + r + " " + tail + " " + segs;
        for (long p = 0; p < d.length(); p++) {
          long end = d.groupEnd(p);
          assertThat(end).as(what).isGreaterThan(p).isLessThanOrEqualTo(d.length());
          int g = groupOfIndex.get(d.index(p));
          for (long q = p + 1; q < end; q++) {
            if (groupOfIndex.get(d.index(q)) != g) {
              throw new AssertionError(what + ": position " + q + " in the run of " + p + " is in base group "
                  + groupOfIndex.get(d.index(q)) + ", not " + g);
            }
          }
          longRun |= end - p >= 3;
        }
      }
    }
    assertThat(longRun).isTrue();
  }

  /**
   * {@link Sampler#indices} (a run of positions at once, as the loader asks) equals {@link Sampler#index}
   * position by position: block and group shuffles with and without a short block, in and across
   * groups, distributed over several ranks with either tail, resharded, and the default of the others.
   */
  @Test
  void bulkIndicesEqualIndexAtEachPosition() {
    Random rnd = new Random(79);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + rnd.nextInt(trial % 10 == 0 ? 5000 : 300);
      int block = 1 + rnd.nextInt(trial % 3 == 0 ? 64 : 10);
      int mix = 1 + rnd.nextInt(5);
      int world = 1 + rnd.nextInt(trial % 2 == 0 ? 1 : 4);
      Tail tail = rnd.nextBoolean() ? Tail.PAD : Tail.DROP;
      Sampler base = switch (trial % 5) {
        case 0 -> new RandomSampler(n, trial);
        case 1 -> new WeightedSampler(weights(n), n, trial);
        default -> new BlockShuffleSampler(n, block, mix, trial);
      };
      DistributedSampler d = new DistributedSampler(base, rnd.nextInt(world), world, tail);
      d.setEpoch(rnd.nextInt(3));
      if (world > 1 && rnd.nextBoolean()) {
        long[] counts = new long[world];
        for (int r = 0; r < world; r++) {
          counts[r] = rnd.nextInt((int) DistributedSampler.share(n, world, Tail.PAD) + 1);
        }
        d.resume(List.of(new Segment(world, counts)));
      }
      for (Sampler s : List.of(base, d)) {
        long len = s.length();
        if (len == 0) {
          continue;
        }
        long from = rnd.nextInt((int) len);
        long[] bulk = new long[rnd.nextInt((int) (len - from) + 1)];
        s.indices(from, bulk);
        for (int i = 0; i < bulk.length; i++) {
          assertThat(bulk[i]).as("trial %d, %s, position %d", trial, s.getClass().getSimpleName(), from + i)
              .isEqualTo(s.index(from + i));
        }
      }
    }
    BlockShuffleSampler b = new BlockShuffleSampler(10, 3, 2, 1);
    assertThatThrownBy(() -> b.indices(8, new long[3])).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** The round tables of a bulk call give the permutation the mixing rounds give, in both directions. */
  @Test
  void tabulatedRoundsGiveTheSamePermutation() {
    Random rnd = new Random(83);
    for (int trial = 0; trial < 60; trial++) {
      long n = trial < 50 ? 1 + rnd.nextInt(trial % 5 == 0 ? 70_000 : 3000) : 1 << (trial - 40);
      long key = rnd.nextLong();
      FeistelPermutation mixed = new FeistelPermutation(n, key);
      FeistelPermutation tabled = new FeistelPermutation(n, key).tabulate();
      for (int k = 0; k < 2000; k++) {
        long x = k < 1000 ? k % n : Math.floorMod(rnd.nextLong(), n);
        assertThat(tabled.apply(x)).as("n %d, x %d", n, x).isEqualTo(mixed.apply(x));
        assertThat(tabled.inverse(tabled.apply(x))).isEqualTo(x);
      }
    }
  }

  /**
   * Bulk calls (round tables) against a fresh sampler's {@code index} (mixing rounds): the same
   * order, so states saved before the tables resume the same.
   */
  @Test
  void bulkIndicesEqualAFreshSamplersIndex() {
    Random rnd = new Random(89);
    for (int trial = 0; trial < 40; trial++) {
      int n = trial == 0 ? 100_000 : 1 + rnd.nextInt(20_000);
      int block = trial == 0 ? 2048 : 1 + rnd.nextInt(600);
      int mix = trial == 0 ? 8 : 1 + rnd.nextInt(9);
      long seed = rnd.nextLong();
      long epoch = rnd.nextInt(4);
      Supplier<Sampler> make = trial % 4 == 0 ? () -> new RandomSampler(n, seed)
          : () -> new BlockShuffleSampler(n, block, mix, seed);
      Sampler bulk = make.get();
      bulk.setEpoch(epoch);
      Sampler one = make.get();
      one.setEpoch(epoch);
      long from = trial == 0 ? 0 : rnd.nextInt(n);
      long[] got = new long[(int) Math.min(n - from, trial == 0 ? n : 1 + rnd.nextInt(5000))];
      bulk.indices(from, got);
      for (int i = 0; i < got.length; i++) {
        assertThat(got[i]).as("trial %d, position %d", trial, from + i).isEqualTo(one.index(from + i));
      }
    }
  }

  private static double[] weights(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 1 + i % 3;
    }
    return w;
  }

  @Test
  void weightedDrawsFollowTheWeights() {
    double[] w = {1, 0, 2, 7};
    WeightedSampler s = new WeightedSampler(w, 100_000, 5);
    long[] counts = new long[4];
    for (long i : epoch(s, 0)) {
      counts[(int) i]++;
    }
    assertThat(counts[1]).isZero();
    // 5 sigma bounds around the expected 10%, 20%, 70%
    assertThat(counts[0]).isBetween(10_000L - 500, 10_000L + 500);
    assertThat(counts[2]).isBetween(20_000L - 650, 20_000L + 650);
    assertThat(counts[3]).isBetween(70_000L - 750, 70_000L + 750);
    assertThatThrownBy(() -> new WeightedSampler(new double[] {1, -1}, 3, 0))
        .hasMessageContaining("weight -1.0 at index 1");
    assertThatThrownBy(() -> new WeightedSampler(new double[] {0, 0}, 3, 0)).hasMessageContaining("all 0");
  }

  @Test
  void distributedGivesEverySampleOncePerEpochWithEqualCounts() {
    for (int n : new int[] {1, 7, 10, 64, 101}) {
      for (int w : new int[] {1, 2, 3, 4, 8}) {
        for (Tail tail : Tail.values()) {
          for (long e : new long[] {0, 1}) {
            Map<Long, Integer> seen = new HashMap<>();
            long len = -1;
            for (int r = 0; r < w; r++) {
              DistributedSampler d = new DistributedSampler(new RandomSampler(n, 11), r, w, tail);
              long[] mine = epoch(d, e);
              if (len >= 0) {
                assertThat(mine.length).as("equal counts").isEqualTo(len);
              }
              len = mine.length;
              for (long i : mine) {
                seen.merge(i, 1, Integer::sum);
              }
            }
            String what = "n=" + n + " w=" + w + " " + tail;
            if (tail == Tail.PAD) {
              assertThat(len).as(what).isEqualTo((n + w - 1) / w);
              assertThat(seen.keySet()).as(what).containsExactlyInAnyOrder(box(range(n)));
              long extra = seen.values().stream().mapToInt(Integer::intValue).sum() - n;
              assertThat(extra).as(what).isEqualTo(len * w - n).isLessThan(w);
            } else {
              assertThat(len).as(what).isEqualTo(n / w);
              assertThat(seen.values()).as(what).allMatch(c -> c == 1);
              assertThat(seen).as(what).hasSize(n / w * w);
            }
          }
        }
      }
    }
  }

  private static Long[] box(long[] a) {
    return Arrays.stream(a).boxed().toArray(Long[]::new);
  }

  /**
   * Property: after old ranks consumed arbitrary counts, the union over new ranks of the rest of
   * the epoch is exactly the samples no old rank consumed, each once (DROP never duplicates; PAD
   * adds fewer than W' repeats), for many sizes, worlds and cut points; and chained reshards too.
   */
  @Test
  void reshardingContinuesWithExactlyTheRemainingSamples() {
    Random rnd = new Random(1234);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + rnd.nextInt(300);
      int w0 = 1 + rnd.nextInt(6);
      int w1 = 1 + rnd.nextInt(6);
      long epoch = rnd.nextInt(3);
      Tail tail = rnd.nextBoolean() ? Tail.PAD : Tail.DROP;
      Set<Long> consumed = new HashSet<>();
      long[] counts = new long[w0];
      for (int r = 0; r < w0; r++) {
        DistributedSampler d = new DistributedSampler(new RandomSampler(n, 5), r, w0, Tail.PAD);
        d.setEpoch(epoch);
        counts[r] = rnd.nextInt((int) d.length() + 1);
        for (long p = 0; p < counts[r]; p++) {
          consumed.add(d.index(p));
        }
      }
      Set<Long> expected = new HashSet<>();
      for (long i = 0; i < n; i++) {
        if (!consumed.contains(i)) {
          expected.add(i);
        }
      }
      List<Segment> segs = List.of(new Segment(w0, counts));
      List<Long> union = new ArrayList<>();
      for (int r = 0; r < w1; r++) {
        DistributedSampler d = new DistributedSampler(new RandomSampler(n, 5), r, w1, tail);
        d.setEpoch(epoch);
        d.resume(segs);
        for (long p = 0; p < d.length(); p++) {
          union.add(d.index(p));
        }
      }
      String what = "trial " + trial + ": n=" + n + " " + w0 + "->" + w1 + " " + tail + " counts " + Arrays.toString(counts);
      assertThat(Set.copyOf(union)).as(what).allMatch(expected::contains);
      if (tail == Tail.DROP) {
        assertThat(union).as(what).doesNotHaveDuplicates().hasSize(expected.size() / w1 * w1);
      } else {
        assertThat(Set.copyOf(union)).as(what).isEqualTo(expected);
        assertThat(union.size() - expected.size()).as(what).isLessThan(w1);
      }
    }
  }

  @Test
  void chainedReshardsWithinOneEpoch() {
    int n = 97;
    // world 3 consumes some, then world 2 consumes some of the rest, then world 4 finishes
    long[] c0 = {5, 9, 0};
    Set<Long> consumed = new HashSet<>();
    for (int r = 0; r < 3; r++) {
      DistributedSampler d = new DistributedSampler(new SequentialSampler(n), r, 3, Tail.PAD);
      for (long p = 0; p < c0[r]; p++) {
        consumed.add(d.index(p));
      }
    }
    List<Segment> s1 = List.of(new Segment(3, c0));
    long[] c1 = {10, 4};
    for (int r = 0; r < 2; r++) {
      DistributedSampler d = new DistributedSampler(new SequentialSampler(n), r, 2, Tail.PAD);
      d.resume(s1);
      for (long p = 0; p < c1[r]; p++) {
        assertThat(consumed.add(d.index(p))).isTrue();
      }
    }
    List<Segment> s2 = List.of(new Segment(3, c0), new Segment(2, c1));
    List<Long> rest = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      DistributedSampler d = new DistributedSampler(new SequentialSampler(n), r, 4, Tail.DROP);
      d.resume(s2);
      for (long p = 0; p < d.length(); p++) {
        rest.add(d.index(p));
      }
    }
    assertThat(rest).doesNotHaveDuplicates().noneMatch(consumed::contains);
    assertThat(rest.size() + consumed.size()).isGreaterThan(n - 4).isLessThanOrEqualTo(n);
    assertThatThrownBy(() -> new DistributedSampler(new SequentialSampler(n), 0, 2, Tail.PAD)
        .resume(List.of(new Segment(2, new long[] {100, 0}))))
        .hasMessageContaining("rank 0 of the earlier world of 2 consumed 100 positions, but it had at most 49");
  }
}
