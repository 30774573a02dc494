package io.s3dlio.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.loader.Streams.Row;
import io.s3dlio.loader.sampler.DistributedSampler.Tail;
import io.s3dlio.loader.sampler.WeightedSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TestDataLoader {

  private static DataLoader loader(MapDataset ds, LoaderOptions o) {
    return DataLoader.builder(ds).options(o).build();
  }

  private static List<Long> indices(List<List<Row>> batches) {
    return batches.stream().flatMap(List::stream).map(Row::index).collect(Collectors.toList());
  }

  @Test
  void batchesHoldDenseTensorsAndByteArrays() {
    try (DataLoader l = loader(new MemoryDataset(10), LoaderOptions.builder().batchSize(4).build())) {
      List<Batch> got = new ArrayList<>();
      try (BatchIterator it = l.iterator()) {
        it.forEachRemaining(got::add);
      }
      assertThat(got).extracting(Batch::size).containsExactly(4, 4, 2);
      Batch b = got.get(1);
      assertThat(b.tensor("x").shape()).containsExactly(4, 2);
      assertThat(b.tensor("x").longs()).containsExactly(4, 12, 5, 15, 6, 18, 7, 21);
      assertThat(b.bytes("b")[2]).containsExactly(6, 6, 6, 6, 6, 6, 6);
      assertThat(b.indices()).containsExactly(4, 5, 6, 7);
      assertThatThrownBy(() -> b.ragged("x")).hasMessageContaining("Field 'x' of the batch is a Tensor column");
      assertThat(l.epoch()).isEqualTo(1);
      assertThat(l.batchesPerEpoch()).isEqualTo(3);
    }
    try (DataLoader l = loader(new MemoryDataset(10), LoaderOptions.builder().batchSize(4).dropLast(true).build())) {
      assertThat(Streams.take(l, 100, 1)).extracting(List::size).containsExactly(4, 4);
      assertThat(l.state().epoch()).isEqualTo(1);
    }
  }

  @Test
  void transformsMapFilterFlatMapAndRaggedColumns() {
    DataLoader l = DataLoader.builder(new MemoryDataset(12))
        .options(LoaderOptions.builder().batchSize(5).build())
        .filter(s -> s.index() % 3 != 0)
        .flatMap(s -> s.index() == 4 ? List.of(s, s.with("x", Tensor.of(new long[] {-4, -4}, 2))) : List.of(s))
        .map(s -> s.with("r", Tensor.of(new float[(int) (s.index() % 3)], s.index() % 3)))
        .build();
    List<Batch> got = new ArrayList<>();
    try (l; BatchIterator it = l.iterator()) {
      it.forEachRemaining(got::add);
    }
    List<Long> idx = new ArrayList<>();
    got.forEach(b -> {
      for (long i : b.indices()) {
        idx.add(i);
      }
    });
    assertThat(idx).containsExactly(1L, 2L, 4L, 4L, 5L, 7L, 8L, 10L, 11L);
    assertThat(got.get(0).tensor("x").longs()).containsExactly(1, 3, 2, 6, 4, 12, -4, -4, 5, 15);
    Ragged r = got.get(0).ragged("r");
    assertThat(r.offsets()).containsExactly(0, 1, 3, 4, 5, 7);
    assertThat(r.values().floats()).hasSize(7);
    assertThat(r.shapes()[1]).containsExactly(2);
  }

  @Test
  void sameSeedSameOrderNextEpochDifferentOrder() {
    for (int block : new int[] {1, 8}) {
      LoaderOptions o = LoaderOptions.builder().batchSize(7).shuffle(true).shuffleBlock(block).seed(99).numWorkers(3)
          .build();
      List<List<Row>> a;
      List<List<Row>> b;
      try (DataLoader l1 = loader(new MemoryDataset(100), o); DataLoader l2 = loader(new MemoryDataset(100), o)) {
        a = Streams.take(l1, 1000, 2);
        b = Streams.take(l2, 1000, 2);
      }
      assertThat(a).isEqualTo(b);
      List<Long> e0 = indices(a).subList(0, 100);
      List<Long> e1 = indices(a).subList(100, 200);
      assertThat(e0).isNotEqualTo(e1).containsExactlyInAnyOrderElementsOf(e1);
      assertThat(Set.copyOf(e0)).hasSize(100);
      try (DataLoader other = loader(new MemoryDataset(100), LoaderOptions.builder().batchSize(7).shuffle(true)
          .shuffleBlock(block).seed(98).build())) {
        assertThat(indices(Streams.take(other, 1000, 1))).isNotEqualTo(e0);
      }
    }
  }

  /**
   * Property: for random dataset sizes, batch sizes, worker counts, fetch parts, samplers (group
   * shuffle too: fetches of whole groups, many batches long), transforms, ranks and cut points, a loader restored from the JSON state of an interrupted one delivers exactly
   * the batches the uninterrupted loader delivers after the cut.
   */
  @Test
  void resumeEqualsTheUninterruptedStream() {
    Random rnd = new Random(20261130);
    for (int trial = 0; trial < 60; trial++) {
      int n = 1 + rnd.nextInt(150);
      int world = 1 + rnd.nextInt(3);
      LoaderOptions o = LoaderOptions.builder()
          .batchSize(1 + rnd.nextInt(17))
          .dropLast(rnd.nextBoolean())
          .shuffle(rnd.nextInt(3) > 0)
          .shuffleBlock(rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(20))
          .shuffleMix(1 + rnd.nextInt(4))
          .seed(rnd.nextLong())
          .numWorkers(1 + rnd.nextInt(4))
          .prefetch(1 + rnd.nextInt(6))
          .distributed(rnd.nextInt(world), world, rnd.nextBoolean() ? Tail.PAD : Tail.DROP)
          .build();
      int transforms = rnd.nextInt(3);
      int parts = rnd.nextInt(4);
      int epochs = 3;
      List<List<Row>> full;
      try (DataLoader l = build(n, o, transforms, parts)) {
        full = Streams.take(l, Integer.MAX_VALUE, epochs);
      }
      int cut = full.isEmpty() ? 0 : rnd.nextInt(full.size() + 1);
      String json;
      List<List<Row>> first;
      try (DataLoader l = build(n, o, transforms, parts)) {
        first = Streams.take(l, cut, epochs);
        json = l.state().toJson();
      }
      List<List<Row>> rest;
      try (DataLoader l = build(n, o, transforms, parts)) {
        l.restore(LoaderState.fromJson(json));
        rest = Streams.take(l, Integer.MAX_VALUE, epochs);
      }
      List<List<Row>> joined = new ArrayList<>(first);
      joined.addAll(rest);
      assertThat(joined).as("trial %d: n=%d %s transforms=%d parts=%d cut=%d state=%s", trial, n, o, transforms, parts,
          cut, json)
          .isEqualTo(full);
    }
  }

  /**
   * Group shuffle: each fetch is one whole group of the sampler (here 5 blocks of 20, several
   * batches), every sample comes once per epoch in the sampler's order, and with a byte cap of
   * about one group, at most two groups are held.
   */
  @Test
  void groupShuffleFetchesWholeGroupsInSamplerOrder() {
    MemoryDataset ds = new MemoryDataset(1000);
    LoaderOptions o = LoaderOptions.builder().batchSize(7).shuffle(true).shuffleBlock(20).shuffleMix(5).seed(4)
        .numWorkers(3).build();
    List<Long> got;
    try (DataLoader l = loader(ds, o)) {
      got = indices(Streams.take(l, 1000, 1));
    }
    io.s3dlio.loader.sampler.BlockShuffleSampler s = new io.s3dlio.loader.sampler.BlockShuffleSampler(1000, 20, 5, 4);
    s.setEpoch(0);
    List<Long> expected = new ArrayList<>();
    for (long p = 0; p < 1000; p++) {
      expected.add(s.index(p));
    }
    assertThat(got).isEqualTo(expected);
    assertThat(ds.fetches.get()).isEqualTo(10);
    // the byte cap still holds: a group's estimate is about 100 * 20 bytes
    long cap = 2 * 100 * 23;
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(7).shuffle(true).shuffleBlock(20).shuffleMix(5)
        .maxBufferedBytes(cap).build()); BatchIterator it = l.iterator()) {
      while (it.hasNext()) {
        it.next();
        assertThat(l.metrics().snapshot().bufferedBytes()).isLessThanOrEqualTo(cap);
      }
      assertThat(l.metrics().snapshot().peakBufferedBytes()).isLessThanOrEqualTo(cap).isGreaterThan(cap / 2);
    }
  }

  private static DataLoader build(int n, LoaderOptions o, int transforms, int partSize) {
    MemoryDataset ds = new MemoryDataset(n);
    ds.partSize = partSize;
    DataLoader.Builder b = DataLoader.builder(ds).options(o);
    if (transforms >= 1) {
      b.filter(s -> s.index() % 5 != 2);
    }
    if (transforms >= 2) {
      b.flatMap(s -> s.index() % 4 == 1 ? List.of(s, s, s) : List.of(s));
    }
    return b.build();
  }

  @Test
  void stateAtTheEndOfAnEpochPointsAtTheNextEpoch() {
    for (boolean dropLast : new boolean[] {false, true}) {
      try (DataLoader l = loader(new MemoryDataset(10), LoaderOptions.builder().batchSize(3).dropLast(dropLast)
          .shuffle(true).build())) {
        try (BatchIterator it = l.iterator()) {
          for (int i = 0; i < 3; i++) {
            it.next();
          }
          LoaderState s = l.state();
          if (dropLast) {
            assertThat(s.epoch()).isEqualTo(1);
            assertThat(s.position()).isZero();
          } else {
            assertThat(s.epoch()).isZero();
            assertThat(s.position()).isEqualTo(9);
            it.next();
            assertThat(l.state().epoch()).isEqualTo(1);
            assertThat(l.state().position()).isZero();
            assertThat(l.state().yielded()).isZero();
          }
        }
      }
    }
  }

  @Test
  void restoreRefusesAnotherDatasetSeedOrWorld() {
    try (DataLoader l = loader(new MemoryDataset(10), LoaderOptions.builder().seed(3).build())) {
      LoaderState s = l.state();
      try (DataLoader other = loader(new MemoryDataset(11), LoaderOptions.builder().seed(3).build())) {
        assertThatThrownBy(() -> other.restore(s)).hasMessageContaining("Cannot restore a state of dataset mem-10 into a"
            + " loader of mem-11");
      }
      try (DataLoader other = loader(new MemoryDataset(10), LoaderOptions.builder().seed(4).build())) {
        assertThatThrownBy(() -> other.restore(s)).hasMessageContaining("seed 3 into a loader with seed 4");
      }
      try (DataLoader other = loader(new MemoryDataset(10), LoaderOptions.builder().seed(3)
          .distributed(1, 2, Tail.PAD).build())) {
        assertThatThrownBy(() -> other.restore(s)).hasMessageContaining("rank 0 of 1 into rank 1 of 2");
      }
    }
    assertThatThrownBy(() -> LoaderState.fromJson("{\"format\":1,\"epoch\":0}"))
        .hasMessageContaining("epoch, position, seed and fingerprint are required");
    assertThatThrownBy(() -> LoaderState.fromJson("{\"format\":1,\"epoch\":x}"))
        .hasMessageContaining("at character 20: Unrecognized token 'x'");
  }

  @Test
  void stateJsonRoundTrips() {
    LoaderState s = new LoaderState(3, 17, 2, 40, -5, "abc", 1, 4,
        List.of(new io.s3dlio.loader.sampler.DistributedSampler.Segment(2, new long[] {3, 4})));
    assertThat(s.toJson()).isEqualTo("{\"format\":1,\"epoch\":3,\"position\":17,\"skip\":2,\"yielded\":40,\"seed\":-5,"
        + "\"fingerprint\":\"abc\",\"rank\":1,\"worldSize\":4,\"segments\":[{\"worldSize\":2,\"consumed\":[3,4]}]}");
    assertThat(LoaderState.fromJson(s.toJson())).isEqualTo(s);
  }

  /**
   * Two ranks consume part of an epoch; three ranks restored from both states deliver, together,
   * exactly the samples neither old rank delivered, each once (DROP never repeats; here the
   * remainder divides evenly, so PAD adds nothing either).
   */
  @Test
  void restoreWithAnotherWorldSizeContinuesWithTheRemainingSamples() {
    int n = 120;
    Set<Long> delivered = new HashSet<>();
    List<LoaderState> states = new ArrayList<>();
    int[] batches = {3, 5};
    for (int r = 0; r < 2; r++) {
      try (DataLoader l = loader(new MemoryDataset(n), LoaderOptions.builder().batchSize(4).shuffle(true).seed(8)
          .distributed(r, 2, Tail.PAD).build())) {
        for (Row row : Streams.take(l, batches[r], 1).stream().flatMap(List::stream).toList()) {
          assertThat(delivered.add(row.index())).isTrue();
        }
        states.add(LoaderState.fromJson(l.state().toJson()));
      }
    }
    assertThat(delivered).hasSize(32);
    List<Long> rest = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      try (DataLoader l = loader(new MemoryDataset(n), LoaderOptions.builder().batchSize(5).shuffle(true).seed(8)
          .distributed(r, 4, Tail.PAD).build())) {
        l.restoreResharded(states);
        LoaderState mid = l.state();
        assertThat(mid.segments()).hasSize(1);
        rest.addAll(indices(Streams.take(l, 1000, 1)));
        assertThat(l.epoch()).isEqualTo(1);
        // a resharded state restores onto the same rank of the new world
        try (DataLoader again = loader(new MemoryDataset(n), LoaderOptions.builder().batchSize(5).shuffle(true)
            .seed(8).distributed(r, 4, Tail.PAD).build())) {
          again.restore(LoaderState.fromJson(mid.toJson()));
          assertThat(again.state()).isEqualTo(mid);
        }
      }
    }
    Set<Long> expected = new HashSet<>();
    for (long i = 0; i < n; i++) {
      if (!delivered.contains(i)) {
        expected.add(i);
      }
    }
    assertThat(rest).doesNotHaveDuplicates();
    assertThat(Set.copyOf(rest)).isEqualTo(expected);
    assertThatThrownBy(() -> {
      try (DataLoader l = loader(new MemoryDataset(n), LoaderOptions.builder().batchSize(5).shuffle(true).seed(8)
          .build())) {
        l.restoreResharded(states.subList(0, 1));
      }
    }).hasMessageContaining("the state of rank 1 of 2 is missing");
  }

  @Test
  void outOfOrderDeliversEverySampleOnceAndResumesAtLeastOnce() {
    MemoryDataset ds = new MemoryDataset(200);
    ds.fetchMillis = 2;
    LoaderOptions o = LoaderOptions.builder().batchSize(8).shuffle(true).seed(1).numWorkers(4).ordered(false).build();
    try (DataLoader l = loader(ds, o)) {
      List<Long> e0 = indices(Streams.take(l, 1000, 1));
      assertThat(e0).doesNotHaveDuplicates().hasSize(200);
    }
    Set<Long> seen = new HashSet<>();
    String json;
    try (DataLoader l = loader(ds, o)) {
      seen.addAll(indices(Streams.take(l, 10, 1)));
      json = l.state().toJson();
    }
    try (DataLoader l = loader(ds, o)) {
      l.restore(LoaderState.fromJson(json));
      seen.addAll(indices(Streams.take(l, 1000, 1)));
    }
    assertThat(seen).hasSize(200);
  }

  @Test
  void aFailedSampleFailsItsBatchNamingItOrIsSkippedAndCounted() {
    MemoryDataset ds = new MemoryDataset(40);
    ds.failing = Set.of(13L, 14L);
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(5).build())) {
      BatchIterator it = l.iterator();
      it.next();
      it.next();
      LoaderState before = l.state();
      assertThatThrownBy(it::next).isInstanceOf(LoaderException.class)
          .hasMessageContaining("Cannot make batch 2 of epoch 0")
          .hasMessageContaining("Cannot read sample 13 from mem://sample-13 at byte 104: injected failure")
          .cause().isInstanceOf(SampleException.class);
      assertThatThrownBy(it::hasNext).isInstanceOf(LoaderException.class);
      assertThat(l.state()).isEqualTo(before);
      assertThat(before.position()).isEqualTo(10);
    }
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(5).errorPolicy(ErrorPolicy.SKIP).build())) {
      List<Long> got = indices(Streams.take(l, 100, 1));
      assertThat(got).hasSize(38).doesNotContain(13L, 14L);
      LoaderMetrics.Snapshot m = l.metrics().snapshot();
      assertThat(m.skipped()).isEqualTo(2);
      assertThat(m.recentSkips()).hasSize(2);
      assertThat(m.recentSkips().get(0)).contains("mem://sample-13", "at byte 104", "injected failure");
    }
  }

  @Test
  void aFetchThatTakesTooLongTimesOutNamingThePositions() {
    MemoryDataset ds = new MemoryDataset(40);
    ds.block = new CountDownLatch(1);
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(5).timeout(Duration.ofMillis(200)).build())) {
      BatchIterator it = l.iterator();
      assertThatThrownBy(it::next).isInstanceOf(LoaderException.class)
          .hasMessageContaining("Timed out after PT0.2S waiting for batch 0 of epoch 0 (positions [0, 5), first sample 0"
              + " in mem://sample-0)");
    } finally {
      ds.block.countDown();
    }
  }

  /**
   * With a consumer slower than the fetches, the bytes held ahead of it stay under the cap (and
   * the buffer does fill up to near it, so the bound is what stops the fetches).
   */
  @Test
  void bufferedBytesStayUnderThePrefetchCapWithASlowConsumer() throws Exception {
    MemoryDataset ds = new MemoryDataset(600);
    long batchBytes = 10 * 20;
    long cap = 5 * batchBytes;
    long peakSeen = 0;
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(10).numWorkers(4).prefetch(50)
        .maxBufferedBytes(cap).build())) {
      try (BatchIterator it = l.iterator()) {
        while (it.hasNext()) {
          it.next();
          Thread.sleep(3);
          LoaderMetrics.Snapshot s = l.metrics().snapshot();
          peakSeen = Math.max(peakSeen, s.bufferedBytes());
          assertThat(s.bufferedBytes()).isLessThanOrEqualTo(cap);
          assertThat(s.queueDepth()).isLessThanOrEqualTo(50);
        }
      }
      LoaderMetrics.Snapshot s = l.metrics().snapshot();
      assertThat(s.peakBufferedBytes()).isLessThanOrEqualTo(cap).isGreaterThan(3 * batchBytes);
      assertThat(peakSeen).isGreaterThan(2 * batchBytes);
      assertThat(s.bufferedBytes()).isZero();
      assertThat(s.samples()).isEqualTo(600);
    }
    // and the count bound: prefetch 2 keeps at most 2 fetches ahead
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(10).numWorkers(4).prefetch(2).build())) {
      try (BatchIterator it = l.iterator()) {
        while (it.hasNext()) {
          it.next();
          assertThat(l.metrics().snapshot().queueDepth()).isLessThanOrEqualTo(2);
        }
      }
    }
  }

  /**
   * A dataset whose reads are CPU work (local files) runs at most one part per core when numWorkers
   * is left to its default; a numWorkers the caller set is used as it is, local or not.
   */
  @Test
  void localReadsRunAtMostOnePartPerCoreUnlessNumWorkersIsSet() {
    int cores = Runtime.getRuntime().availableProcessors();
    int byDefault = Math.min(LoaderOptions.builder().build().numWorkers(), cores);
    MemoryDataset ds = new MemoryDataset(400);
    ds.fetchMillis = 2;
    ds.local = true;
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(4).prefetch(cores + 10).build())) {
      assertThat(indices(Streams.take(l, 1000, 1))).hasSize(400);
      assertThat(l.metrics().snapshot().concurrency()).isEqualTo(byDefault);
    }
    assertThat(ds.peakRunning.get()).isLessThanOrEqualTo(byDefault);
    for (boolean local : new boolean[] {true, false}) {
      ds.local = local;
      ds.peakRunning.set(0);
      try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(4).numWorkers(cores + 6).prefetch(cores + 10)
          .build())) {
        assertThat(indices(Streams.take(l, 1000, 1))).hasSize(400);
        assertThat(l.metrics().snapshot().concurrency()).as("local=%s", local).isEqualTo(cores + 6);
      }
    }
  }

  @Test
  void autotuneGrowsConcurrencyWhileThroughputImprovesWithinTheCap() {
    MemoryDataset ds = new MemoryDataset(800);
    ds.fetchMillis = 15;
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(4).numWorkers(1).prefetch(12).autotune(true)
        .autotuneMaxWorkers(6).build())) {
      assertThat(indices(Streams.take(l, 1000, 1))).hasSize(800);
      assertThat(l.metrics().snapshot().concurrency()).isGreaterThan(1).isLessThanOrEqualTo(6);
    }
    assertThat(ds.peakRunning.get()).isGreaterThan(1).isLessThanOrEqualTo(6);
    ds.peakRunning.set(0);
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(4).numWorkers(2).prefetch(12).build())) {
      Streams.take(l, 1000, 1);
      assertThat(l.metrics().snapshot().concurrency()).isEqualTo(2);
    }
    assertThat(ds.peakRunning.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void metricsCountSamplesRequestsAndLatency() {
    MemoryDataset ds = new MemoryDataset(50);
    try (DataLoader l = loader(ds, LoaderOptions.builder().batchSize(10).build())) {
      Streams.take(l, 100, 1);
      LoaderMetrics.Snapshot s = l.metrics().snapshot();
      assertThat(s.samples()).isEqualTo(50);
      assertThat(s.batches()).isEqualTo(5);
      assertThat(s.requests()).isEqualTo(50);
      assertThat(s.bytesRead()).isEqualTo(expectedBytes(50));
      assertThat(s.samplesPerSecond()).isPositive();
      assertThat(s.latencyP99Millis()).isGreaterThanOrEqualTo(s.latencyP50Millis());
    }
  }

  private static long expectedBytes(int n) {
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += 16 + i % 7 + 1;
    }
    return t;
  }

  @Test
  void aCustomWeightedSamplerIsSharedAcrossEpochsAndRanks() {
    double[] w = new double[20];
    w[3] = 1;
    w[7] = 3;
    try (DataLoader l = DataLoader.builder(new MemoryDataset(20)).sampler(new WeightedSampler(w, 40, 2))
        .options(LoaderOptions.builder().batchSize(8).build()).build()) {
      List<Long> got = indices(Streams.take(l, 100, 1));
      assertThat(got).hasSize(40).containsOnly(3L, 7L);
    }
  }

  /**
   * A group's requests are planned by a worker: a fetch that cannot be planned fails its batch,
   * naming the positions and the cause, and the state stays before it.
   */
  @Test
  void aGroupWhoseRequestsCannotBePlannedFailsItsBatch() {
    MemoryDataset ds = new MemoryDataset(100);
    ds.splitError = new IllegalStateException("no plan");
    LoaderOptions o = LoaderOptions.builder().batchSize(5).shuffle(true).shuffleBlock(10).shuffleMix(2).seed(1).build();
    try (DataLoader l = loader(ds, o); BatchIterator it = l.iterator()) {
      assertThatThrownBy(it::next).isInstanceOf(LoaderException.class)
          .hasMessage("Cannot make batch 0 of epoch 0: cannot plan the requests of positions [0, 20): "
              + "java.lang.IllegalStateException: no plan")
          .hasCause(ds.splitError);
      assertThatThrownBy(it::hasNext).hasMessageContaining("cannot plan the requests of positions [0, 20)");
      assertThat(l.state().position()).isZero();
    }
  }

  @Test
  void samplesThatCannotBeBatchedTogetherFailTheBatch() {
    try (DataLoader l = DataLoader.builder(new MemoryDataset(10)).options(LoaderOptions.builder().batchSize(5).build())
        .map(s -> s.index() == 3 ? s.without("b") : s).build(); BatchIterator it = l.iterator()) {
      assertThatThrownBy(it::next).isInstanceOf(LoaderException.class)
          .hasMessageContaining("Cannot make batch 0 of epoch 0: Cannot batch sample 3: its fields [x] differ from the"
              + " batch's [x, b]");
      assertThat(l.state().position()).isZero();
    }
  }

  @Test
  void oneIteratorAtATime() {
    try (DataLoader l = loader(new MemoryDataset(20), LoaderOptions.defaults())) {
      BatchIterator it = l.iterator();
      assertThatThrownBy(l::iterator).hasMessageContaining("while an iterator is open");
      it.close();
      assertThat(l.iterator().hasNext()).isTrue();
    }
  }
}
