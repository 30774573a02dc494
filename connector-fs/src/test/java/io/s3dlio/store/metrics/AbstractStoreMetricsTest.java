package io.s3dlio.store.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every store operation is counted, with its bytes and errors, exactly as performed: in the store's
 * {@link StoreMetrics}, in the process-wide one, and as one line of the operation log each, which
 * must parse (see {@link OpLogFile}), carry the right op, bytes and objects, and hold no credential.
 * Subclasses give the backend.
 */
public abstract class AbstractStoreMetricsTest {

  protected abstract ObjectUri.Scheme scheme();

  protected abstract StoreConfig config() throws IOException;

  /** A prefix ending in '/' where the test may write. */
  protected abstract ObjectUri root() throws IOException;

  /** Block size of streaming writes (the config sets it), 0 when the backend does not upload in parts. */
  protected abstract int partSize();

  /** Settings with wrong credentials (their failures land in the log), or null for none. */
  protected abstract StoreConfig wrongCredentials(StoreConfig good);

  /** Values that must never appear in the log. */
  protected abstract List<String> secrets();

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void everyOperationIsCountedTimedAndLoggedOnce() throws Exception {
    Path log = Files.createTempDirectory("oplog").resolve("ops.tsv.zst");
    StoreConfig config = config().with(MetricsKeys.OPLOG_FILE, log.toString());
    ObjectUri dir = root().child("m-" + UUID.randomUUID() + "/");
    ObjectUri a = dir.child("a");
    ObjectUri b = dir.child("b");
    ObjectUri c = dir.child("c");
    ObjectUri big = dir.child("big");
    ObjectUri missing = dir.child("missing");
    int bigSize = partSize() == 0 ? 300_000 : 2 * partSize() + 123;
    int parts = partSize() == 0 ? 0 : 3;
    Map<StoreOp, OpSnapshot> globalBefore = byOp(StoreMetrics.global().snapshot());

    StoreMetrics m;
    try (ObjectStore store = ObjectStores.open(scheme(), config)) {
      assertThat(store).isInstanceOf(MeteredObjectStore.class);
      m = ((MeteredObjectStore) store).metrics();
      store.put(a, random(1000, 1));
      store.put(b, random(3000, 2));
      store.put(c, new byte[0]);
      try (ObjectWriter w = store.openWriter(big)) {
        byte[] data = random(bigSize, 3);
        for (int off = 0; off < bigSize; off += 100_000) {
          w.write(data, off, Math.min(100_000, bigSize - off));
        }
      }
      assertThat(store.get(a)).hasSize(1000);
      assertThat(store.getRange(b, 100, 500)).hasSize(500);
      try (InputStream in = store.openRange(b, 0, -1)) {
        assertThat(in.readAllBytes()).hasSize(3000);
      }
      try (InputStream in = store.openRange(b, 10, 100)) {
        assertThat(in.readNBytes(50)).hasSize(50); // closed early: 50 bytes flowed
      }
      assertThat(store.stat(a).size()).isEqualTo(1000);
      assertThatThrownBy(() -> store.stat(missing)).isInstanceOf(FileNotFoundException.class);
      Iterator<io.s3dlio.store.ObjectEntry> it = store.list(dir, ListOptions.recursive().withPageSize(2));
      int listed = 0;
      while (it.hasNext()) {
        it.next();
        listed++;
      }
      assertThat(listed).isEqualTo(4);
      store.copy(a, dir.child("a2"));
      store.delete(dir.child("a2"));
      assertThat(store.deleteAll(List.of(b, c))).isEmpty();

      Map<StoreOp, OpSnapshot> s = byOp(m.snapshot());
      check(s.get(StoreOp.PUT), 4, 4000L + bigSize, 0);
      check(s.get(StoreOp.GET), 2, 4000, 0);
      check(s.get(StoreOp.GET_RANGE), 2, 550, 0);
      check(s.get(StoreOp.STAT), 1, 0, 1);
      check(s.get(StoreOp.COPY), 1, 0, 0);
      check(s.get(StoreOp.DELETE), 1, 0, 0);
      check(s.get(StoreOp.DELETE_BULK), 1, 0, 0);
      if (parts > 0) {
        check(s.get(StoreOp.PART_UPLOAD), parts, bigSize, 0);
      } else {
        assertThat(s).doesNotContainKey(StoreOp.PART_UPLOAD);
      }
      long pages = s.get(StoreOp.LIST).count();
      assertThat(pages).as("list pages").isEqualTo(expectedListPages(4, 2));
      assertThat(s.get(StoreOp.GET).firstByteMicros().getTotalCount()).as("streaming GETs with a first byte")
          .isEqualTo(1);
      assertThat(s.get(StoreOp.GET_RANGE).firstByteMicros().getTotalCount()).isEqualTo(1);
      for (OpSnapshot x : s.values()) {
        assertThat(x.backend()).isEqualTo(scheme());
        assertThat(x.p50Micros()).isLessThanOrEqualTo(x.p90Micros());
        assertThat(x.p99Micros()).isLessThanOrEqualTo(x.p9999Micros());
        assertThat(x.p9999Micros()).isLessThanOrEqualTo(x.maxMicros());
      }
      // the process-wide metrics saw at least these (other tests may run in the same JVM)
      Map<StoreOp, OpSnapshot> g = byOp(StoreMetrics.global().snapshot());
      for (OpSnapshot x : s.values()) {
        OpSnapshot before = globalBefore.get(x.op());
        long prior = before == null ? 0 : before.count();
        assertThat(g.get(x.op()).count() - prior).isGreaterThanOrEqualTo(x.count());
      }

      StoreConfig wrong = wrongCredentials(config);
      if (wrong != null) {
        try (ObjectStore bad = ObjectStores.open(scheme(), wrong)) {
          assertThatThrownBy(() -> bad.stat(a)).isInstanceOf(IOException.class);
        }
      }
    }

    List<OpLogFile.Line> lines = OpLogFile.read(log);
    Map<String, List<OpLogFile.Line>> byName = lines.stream().collect(Collectors.groupingBy(OpLogFile.Line::op));
    assertThat(byName.get("PUT")).hasSize(4);
    assertThat(byName.get("PUT").stream().mapToLong(OpLogFile.Line::bytes).sum()).isEqualTo(4000L + bigSize);
    assertThat(byName.get("GET")).hasSize(2);
    assertThat(byName.get("GET").stream().mapToLong(OpLogFile.Line::bytes).sum()).isEqualTo(4000);
    assertThat(byName.get("GET_RANGE").stream().mapToLong(OpLogFile.Line::bytes).sum()).isEqualTo(550);
    assertThat(lines.stream().filter(l -> l.firstByte() != null)).hasSize(2);
    assertThat(byName.get("LIST")).hasSize((int) expectedListPages(4, 2));
    assertThat(byName.get("LIST").stream().mapToLong(OpLogFile.Line::objects).sum()).isEqualTo(4);
    assertThat(byName.get("DELETE_BULK")).singleElement().satisfies(l -> assertThat(l.objects()).isEqualTo(2));
    assertThat(byName.getOrDefault("PUT_PART", List.of())).hasSize(parts);
    assertThat(byName.get("COPY")).hasSize(1);
    assertThat(byName.get("DELETE")).hasSize(1);
    List<OpLogFile.Line> stats = byName.get("STAT");
    assertThat(stats).hasSize(wrongCredentials(config) != null ? 3 : 2);
    assertThat(stats.stream().filter(l -> !l.error().isEmpty()))
        .hasSize(wrongCredentials(config) != null ? 2 : 1)
        .anySatisfy(l -> assertThat(l.file()).isEqualTo(missing.toString()).matches(x -> l.error().contains(x)));
    assertThat(lines.stream().filter(l -> !l.error().isEmpty())).hasSize(stats.size() - 1);
    assertThat(lines).allSatisfy(l -> assertThat(l.file()).startsWith(dir.toString()));
    String text = OpLogFile.text(log);
    for (String secret : secrets()) {
      assertThat(text).as("the log holds no credential").doesNotContain(secret);
    }
  }

  /** Listing requests for {@code n} keys in pages of {@code pageSize}. */
  protected long expectedListPages(int n, int pageSize) {
    return (n + pageSize - 1) / pageSize;
  }

  private static void check(OpSnapshot s, long count, long bytes, long errors) {
    assertThat(s).as("an operation that happened").isNotNull();
    assertThat(s.count()).as(s.op() + " count").isEqualTo(count);
    assertThat(s.latencyMicros().getTotalCount()).as(s.op() + " histogram count").isEqualTo(count);
    assertThat(s.bytes()).as(s.op() + " bytes").isEqualTo(bytes);
    assertThat(s.errors()).as(s.op() + " errors").isEqualTo(errors);
  }

  private Map<StoreOp, OpSnapshot> byOp(List<OpSnapshot> list) {
    Map<StoreOp, OpSnapshot> m = new EnumMap<>(StoreOp.class);
    list.stream().filter(x -> x.backend() == scheme()).forEach(x -> m.put(x.op(), x));
    return m;
  }
}
