package io.s3dlio.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.loader.Streams.Row;
import io.s3dlio.loader.sampler.DistributedSampler.Tail;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TestIterableLoader {

  /** The samples of a {@link MemoryDataset} as a stream. */
  static final class MemoryStream implements IterableDataset {
    final MemoryDataset ds;

    MemoryStream(long n) {
      this.ds = new MemoryDataset(n);
    }

    @Override
    public SampleStream open(FetchContext ctx) {
      return new SampleStream() {
        long next;

        @Override
        public Sample next() throws IOException {
          return next < ds.n ? ds.get(next++) : null;
        }

        @Override
        public void close() {
        }
      };
    }

    @Override
    public Map<String, FieldSpec> schema() {
      return ds.schema();
    }

    @Override
    public String fingerprint() {
      return ds.fingerprint();
    }
  }

  private static DataLoader loader(MemoryStream s, LoaderOptions o) {
    return DataLoader.builder(s).options(o).build();
  }

  private static List<Long> indices(List<List<Row>> b) {
    return b.stream().flatMap(List::stream).map(Row::index).collect(Collectors.toList());
  }

  @Test
  void shuffleBufferIsDeterministicPerSeedAndEpoch() {
    LoaderOptions o = LoaderOptions.builder().batchSize(6).shuffleBuffer(20).seed(4).build();
    List<Long> a;
    try (DataLoader l = loader(new MemoryStream(100), o)) {
      a = indices(Streams.take(l, 1000, 2));
    }
    try (DataLoader l = loader(new MemoryStream(100), o)) {
      assertThat(indices(Streams.take(l, 1000, 2))).isEqualTo(a);
    }
    List<Long> e0 = a.subList(0, 100);
    List<Long> e1 = a.subList(100, 200);
    assertThat(e0).doesNotHaveDuplicates().hasSize(100).isNotEqualTo(e1);
    assertThat(e1).containsExactlyInAnyOrderElementsOf(e0);
    assertThat(e0).isNotEqualTo(e0.stream().sorted().toList());
  }

  @Test
  void resumeEqualsTheUninterruptedStream() {
    Random rnd = new Random(77);
    for (int trial = 0; trial < 25; trial++) {
      int n = 1 + rnd.nextInt(120);
      int world = 1 + rnd.nextInt(2);
      LoaderOptions o = LoaderOptions.builder().batchSize(1 + rnd.nextInt(9)).dropLast(rnd.nextBoolean())
          .shuffleBuffer(rnd.nextInt(30)).seed(rnd.nextLong()).prefetch(1 + rnd.nextInt(4))
          .distributed(rnd.nextInt(world), world, Tail.PAD).build();
      List<List<Row>> full;
      try (DataLoader l = loader(new MemoryStream(n), o)) {
        full = Streams.take(l, Integer.MAX_VALUE, 2);
      }
      int cut = rnd.nextInt(full.size() + 1);
      String json;
      List<List<Row>> joined;
      try (DataLoader l = loader(new MemoryStream(n), o)) {
        joined = new ArrayList<>(Streams.take(l, cut, 2));
        json = l.state().toJson();
      }
      try (DataLoader l = loader(new MemoryStream(n), o)) {
        l.restore(LoaderState.fromJson(json));
        joined.addAll(Streams.take(l, Integer.MAX_VALUE, 2));
      }
      assertThat(joined).as("trial %d n=%d %s cut=%d %s", trial, n, o, cut, json).isEqualTo(full);
    }
  }

  @Test
  void ranksShareTheStreamBySampleNumber() {
    List<Long> all = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      try (DataLoader l = loader(new MemoryStream(50), LoaderOptions.builder().batchSize(4)
          .distributed(r, 3, Tail.PAD).build())) {
        List<Long> mine = indices(Streams.take(l, 1000, 1));
        assertThat(mine).allMatch(i -> i % 3 == l.options().rank());
        all.addAll(mine);
      }
    }
    assertThat(all).doesNotHaveDuplicates().hasSize(50);
  }

  @Test
  void stateAfterTheLastBatchPointsAtTheNextEpoch() {
    try (DataLoader l = loader(new MemoryStream(10), LoaderOptions.builder().batchSize(5).build())) {
      try (BatchIterator it = l.iterator()) {
        it.next();
        assertThat(l.state().position()).isEqualTo(5);
        it.next();
        assertThat(l.state().epoch()).isEqualTo(1);
        assertThat(l.state().position()).isZero();
        assertThat(it.hasNext()).isFalse();
      }
    }
  }

  @Test
  void badSamplesFailOrAreSkippedAndCounted() {
    MemoryStream s = new MemoryStream(30);
    s.ds.failing = Set.of(7L);
    try (DataLoader l = loader(s, LoaderOptions.builder().batchSize(4).build())) {
      BatchIterator it = l.iterator();
      it.next();
      assertThatThrownBy(() -> {
        while (it.hasNext()) {
          it.next();
        }
      }).isInstanceOf(LoaderException.class).hasMessageContaining("mem://sample-7 at byte 56: injected failure");
    }
    try (DataLoader l = loader(s, LoaderOptions.builder().batchSize(4).errorPolicy(ErrorPolicy.SKIP).build())) {
      assertThat(indices(Streams.take(l, 100, 1))).hasSize(29).doesNotContain(7L);
      assertThat(l.metrics().snapshot().skipped()).isEqualTo(1);
    }
  }

  @Test
  void reshardingAStreamIsRefused() {
    try (DataLoader l = loader(new MemoryStream(10), LoaderOptions.defaults())) {
      assertThatThrownBy(() -> l.restoreResharded(List.of(l.state())))
          .hasMessageContaining("Cannot reshard the state of an iterable dataset");
    }
  }
}
