package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.checkpoint.CheckpointOptions.Compression;
import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.dist.InProcessCollective;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The checkpoint API on one backend; subclasses give the store and a fresh root per test. */
abstract class AbstractCheckpointStoreTest {

  protected abstract ObjectStore store();

  /** A new, empty folder URI for one test (ends with '/'). */
  protected abstract ObjectUri freshRoot();

  protected CheckpointStore open(CheckpointOptions options) {
    return CheckpointStore.open(store(), freshRoot(), options);
  }

  static final CheckpointOptions SMALL_CHUNKS = CheckpointOptions.DEFAULT.withChunkSize(4096).withReadRangeSize(3 * 4096)
      .withIoThreads(4);

  static Map<String, byte[]> bytesOf(List<TensorSource> sources) throws IOException {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    for (TensorSource s : sources) {
      try (InputStream in = s.open()) {
        m.put(s.name(), in.readAllBytes());
      }
    }
    return m;
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void roundTripOfEveryTypeAndShape(Compression c) throws Exception {
    List<TensorSource> tensors = Fixtures.exact();
    try (CheckpointStore cs = open(SMALL_CHUNKS.withCompression(c))) {
      CheckpointInfo info = cs.save(10, tensors, Map.of("loader", "{\"epoch\":3,\"offset\":1234}"));
      assertThat(info.step()).isEqualTo(10);
      assertThat(info.compression()).isEqualTo(c.id());
      Checkpoint ck = cs.load(10);
      assertThat(ck.saveId()).isEqualTo(info.saveId());
      assertThat(ck.userMetadata()).containsEntry("loader", "{\"epoch\":3,\"offset\":1234}");
      assertThat(ck.tensors()).containsExactlyElementsOf(tensors.stream().map(TensorSource::spec).toList());
      Map<String, byte[]> expected = bytesOf(tensors);
      Map<String, Tensor> all = ck.readAll();
      assertThat(all.keySet()).containsExactlyElementsOf(expected.keySet());
      expected.forEach((name, b) -> assertThat(all.get(name).bytes()).as(name).isEqualTo(b));
      assertThat(all.get("layer.0.weight").toFloatArray()[5]).isEqualTo(Fixtures.exactF32(5));
      assertThat(all.get("counts").toLongArray()[14]).isEqualTo(Fixtures.exactI64(14));
      assertThat(cs.verify(10).saveId()).isEqualTo(info.saveId());
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void manyChunksReadInRangesAndStreams(Compression c) throws Exception {
    List<TensorSource> tensors = List.of(Fixtures.randomF32("a", 50_000, 1), Fixtures.randomF32("b", 77_777, 2),
        Fixtures.randomF32("c", 1, 3));
    try (CheckpointStore cs = open(SMALL_CHUNKS.withCompression(c))) {
      cs.save(1, tensors, Map.of());
      Map<String, byte[]> expected = bytesOf(tensors);
      Checkpoint ck = cs.load(1);
      assertThat(ck.read(List.of("b", "c")).keySet()).containsExactly("b", "c");
      assertThat(ck.read("b").bytes()).isEqualTo(expected.get("b"));
      try (InputStream in = ck.open(0, "a")) {
        assertThat(in.readAllBytes()).isEqualTo(expected.get("a"));
      }
      assertThatThrownBy(() -> ck.read("nope")).isInstanceOf(CheckpointException.class)
          .hasMessageContaining("No tensor 'nope'").hasMessageContaining("rank 0");
    }
  }

  @Test
  void listLatestDeleteAndPrune() throws Exception {
    try (CheckpointStore cs = open(SMALL_CHUNKS)) {
      assertThat(cs.latest()).isEmpty();
      assertThatThrownBy(cs::loadLatest).isInstanceOf(CheckpointNotFoundException.class)
          .hasMessageContaining(cs.root().toString());
      for (long s = 1; s <= 5; s++) {
        cs.save(s * 100, List.of(Fixtures.randomF32("w", 3000, s)), Map.of("step", Long.toString(s)));
      }
      assertThat(cs.list()).extracting(CheckpointInfo::step).containsExactly(100L, 200L, 300L, 400L, 500L);
      assertThat(cs.latest().orElseThrow().step()).isEqualTo(500);
      assertThat(cs.latestPointer()).contains(500L);
      assertThat(cs.loadLatest().userMetadata()).containsEntry("step", "5");

      cs.delete(500);
      assertThat(cs.latest().orElseThrow().step()).isEqualTo(400);
      assertThat(cs.latestPointer()).contains(400L);
      assertThatThrownBy(() -> cs.load(500)).isInstanceOf(CheckpointNotFoundException.class)
          .hasMessageContaining("step 500");

      CheckpointStore.PruneResult pr = cs.prune(2);
      assertThat(pr.deletedSteps()).containsExactly(100L, 200L);
      assertThat(cs.list()).extracting(CheckpointInfo::step).containsExactly(300L, 400L);
      assertThat(cs.uncommittedSaves()).isEmpty();
      assertThat(cs.loadLatest().readAll()).containsKey("w");
      assertThatThrownBy(() -> cs.prune(0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keep at least 1");
    }
  }

  @Test
  void distributedSaveUsesTheCoordinatorsSaveId() throws Exception {
    int world = 3;
    List<CheckpointCollective> group = InProcessCollective.create(world, Duration.ofSeconds(60));
    try (CheckpointStore cs = open(SMALL_CHUNKS.withCompression(Compression.ZSTD))) {
      List<CheckpointInfo> infos = runRanks(world, rank -> cs.save(3, List.of(Fixtures.randomF32("w", 10_000, rank),
          Fixtures.randomF32("rank" + rank + ".only", 100, 99)), Map.of("by", "rank " + rank), group.get(rank)));
      assertThat(infos).extracting(CheckpointInfo::saveId).containsOnly(infos.get(0).saveId());
      Checkpoint ck = cs.load(3);
      assertThat(ck.worldSize()).isEqualTo(3);
      assertThat(ck.userMetadata()).containsEntry("by", "rank 0");
      for (int r = 0; r < world; r++) {
        assertThat(ck.read(r, "w").bytes()).isEqualTo(bytesOf(List.of(Fixtures.randomF32("w", 10_000, r))).get("w"));
        assertThat(ck.tensors(r)).extracting(TensorSpec::name).containsExactly("w", "rank" + r + ".only");
      }
      assertThatThrownBy(() -> ck.read("w")).hasMessageContaining("has 3 ranks: name the rank");
      assertThat(cs.load(3, 2).read(2, "w").bytes()).isEqualTo(ck.read(2, "w").bytes());
    }
  }

  interface RankBody<T> {
    T run(int rank) throws Exception;
  }

  static <T> List<T> runRanks(int world, RankBody<T> body) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(world);
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (int r = 0; r < world; r++) {
        int rank = r;
        fs.add(ex.submit((Callable<T>) () -> body.run(rank)));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get());
      }
      return out;
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void twoConcurrentSavesOfOneStepCommitExactlyOne() throws Exception {
    ObjectUri root = freshRoot();
    try (CheckpointStore a = CheckpointStore.open(store(), root, SMALL_CHUNKS);
        CheckpointStore b = CheckpointStore.open(store(), root, SMALL_CHUNKS)) {
      for (int round = 0; round < 3; round++) {
        long step = 7 + round;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        Future<CheckpointInfo> fa = ex.submit(() -> {
          go.await();
          return a.save(step, List.of(Fixtures.randomF32("w", 20_000, 1)), Map.of("who", "a"));
        });
        Future<CheckpointInfo> fb = ex.submit(() -> {
          go.await();
          return b.save(step, List.of(Fixtures.randomF32("w", 20_000, 2)), Map.of("who", "b"));
        });
        go.countDown();
        List<CheckpointInfo> won = new ArrayList<>();
        List<Throwable> lost = new ArrayList<>();
        for (Future<CheckpointInfo> f : List.of(fa, fb)) {
          try {
            won.add(f.get());
          } catch (ExecutionException e) {
            lost.add(e.getCause());
          }
        }
        ex.shutdown();
        assertThat(won).hasSize(1);
        assertThat(lost).hasSize(1);
        assertThat(lost.get(0)).isInstanceOf(CheckpointExistsException.class)
            .hasMessageContaining("step " + step);
        Checkpoint ck = a.load(step);
        assertThat(ck.saveId()).isEqualTo(won.get(0).saveId());
        String who = ck.userMetadata().get("who");
        long seed = who.equals("a") ? 1 : 2;
        assertThat(ck.read("w").bytes()).isEqualTo(bytesOf(List.of(Fixtures.randomF32("w", 20_000, seed))).get("w"));
        assertThat(a.uncommittedSaves()).isEmpty();
      }
    }
  }

  @Test
  void savingACommittedStepIsRefused() throws Exception {
    try (CheckpointStore cs = open(SMALL_CHUNKS)) {
      CheckpointInfo first = cs.save(5, List.of(Fixtures.randomF32("w", 10, 1)), Map.of());
      assertThatThrownBy(() -> cs.save(5, List.of(Fixtures.randomF32("w", 10, 2)), Map.of()))
          .isInstanceOf(CheckpointExistsException.class)
          .hasMessageContaining("step 5").hasMessageContaining("already committed");
      assertThat(cs.load(5).saveId()).isEqualTo(first.saveId());
    }
  }

  @Test
  void asyncSaveRunsOneAtATimeAndAFailureLeavesNothing() throws Exception {
    try (CheckpointStore cs = open(SMALL_CHUNKS)) {
      CompletableFuture<CheckpointInfo> f1 = cs.saveAsync(1, List.of(Fixtures.randomF32("w", 30_000, 1)), Map.of());
      CompletableFuture<CheckpointInfo> f2 = cs.saveAsync(2, List.of(Fixtures.randomF32("w", 30_000, 2)), Map.of());
      assertThat(f1.isDone()).as("the second call waited for the first save").isTrue();
      assertThat(f2.get().step()).isEqualTo(2);
      TensorSpec spec = TensorSpec.of("broken", DType.FLOAT32, 100_000);
      TensorSource failing = TensorSource.of(spec, () -> new InputStream() {
        private int n;

        @Override
        public int read() throws IOException {
          if (++n > 150_000) {
            throw new IOException("device lost");
          }
          return 1;
        }
      });
      CompletableFuture<CheckpointInfo> f3 = cs.saveAsync(3, List.of(Fixtures.randomF32("ok", 10, 1), failing), Map.of());
      assertThatThrownBy(f3::get).hasCauseInstanceOf(CheckpointException.class)
          .hasMessageContaining("rank 0").hasMessageContaining("device lost").hasMessageContaining("nothing was committed");
      assertThat(cs.list()).extracting(CheckpointInfo::step).containsExactly(1L, 2L);
      assertThat(cs.latest().orElseThrow().step()).isEqualTo(2);
      assertThat(cs.uncommittedSaves()).isEmpty();
      assertThatThrownBy(() -> cs.load(3)).isInstanceOf(CheckpointNotFoundException.class);
    }
  }

  @Test
  void aMissingShardIsFoundAtLoad() throws Exception {
    int world = 2;
    List<CheckpointCollective> group = InProcessCollective.create(world, Duration.ofSeconds(60));
    try (CheckpointStore cs = open(SMALL_CHUNKS)) {
      runRanks(world, r -> cs.save(4, List.of(Fixtures.randomF32("w", 1000, r)), Map.of(), group.get(r)));
      ObjectUri shard = cs.root().child("step-000000000004/" + cs.load(4).saveId() + "/rank-00001-of-00002.shard");
      store().delete(shard);
      assertThatThrownBy(() -> cs.load(4)).isInstanceOf(CheckpointCorruptException.class)
          .hasMessageContaining("step 4").hasMessageContaining("rank 1").hasMessageContaining("missing")
          .hasMessageContaining(shard.toString());
      assertThatThrownBy(() -> cs.verify(4)).isInstanceOf(CheckpointCorruptException.class)
          .hasMessageContaining("rank 1");
    }
  }

  @Test
  void theStoreCreatesOnlyOnceWhatTheCommitCreates() throws Exception {
    assertThat(store().supportsConditionalCreate()).isTrue();
    ObjectUri uri = freshRoot().child("step-000000000001.manifest.json");
    store().put(uri, "{\"first\":1}".getBytes(StandardCharsets.UTF_8), WriteOptions.createNew());
    assertThatThrownBy(() -> store().put(uri, "{\"second\":2}".getBytes(StandardCharsets.UTF_8), WriteOptions.createNew()))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(uri.toString());
    assertThat(new String(store().get(uri), StandardCharsets.UTF_8)).isEqualTo("{\"first\":1}");
    // a streamed create-only write larger than one upload part (multipart / staged blocks) too
    ObjectUri big = freshRoot().child("big");
    byte[] data = new byte[12 << 20];
    try (ObjectWriter w = store().openWriter(big, WriteOptions.createNew())) {
      w.write(data);
    }
    assertThatThrownBy(() -> {
      ObjectWriter second = store().openWriter(big, WriteOptions.createNew());   // local stores refuse here
      second.write(data);
      second.close();                                                           // S3 and Azure at the commit
    }).isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(big.toString());
    assertThat(store().stat(big).size()).isEqualTo(data.length);
  }

  @Test
  void aShardLargerThanOnePartStreamsInParts() throws Exception {
    try (CheckpointStore cs = open(CheckpointOptions.DEFAULT.withIoThreads(4))) {
      List<TensorSource> t = List.of(Fixtures.randomF32("big", 3_500_000, 5), Fixtures.randomF32("small", 10, 6));
      CheckpointInfo info = cs.save(1, t, Map.of());
      assertThat(info.totalBytes()).isGreaterThan(14_000_000L);
      assertThat(cs.load(1).read("big").bytes()).isEqualTo(bytesOf(t).get("big"));
      assertThat(cs.verify(1).totalBytes()).isEqualTo(info.totalBytes());
    }
  }
}
