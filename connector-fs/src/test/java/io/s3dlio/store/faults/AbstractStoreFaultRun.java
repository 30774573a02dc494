package io.s3dlio.store.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.WriteOptions;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTally;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * A seeded fault run of one object store through a {@link FaultProxy}: writes (single PUTs,
 * create-only PUTs, multipart / staged-block uploads), whole, ranged and streamed reads, and paged
 * listings, with every fault kind of {@link FaultPlan} injected. Each operation must either
 * complete with the right bytes (CRC32C against what was written, checked without the proxy) or
 * fail with an IOException naming the URI; none may return wrong data. Prints the figures of
 * {@code docs/reliability.md} and writes them to {@code target/reliability/<scheme>-store.md}.
 *
 * <p>Seed: {@code -Ds3dlio.faults.seed=N} (default {@value #DEFAULT_SEED}).
 */
public abstract class AbstractStoreFaultRun {
  static final long DEFAULT_SEED = 20261122L;
  protected static final int MIB = 1 << 20;

  /** The store's settings through {@code proxy}, with short retries and a 1 s read timeout. */
  protected abstract StoreConfig viaProxy(FaultProxy proxy);

  /** Settings straight to the server (to check what was written). */
  protected abstract StoreConfig direct();

  /** The server the proxy stands in front of. */
  protected abstract java.net.URI serverEndpoint();

  /** An existing bucket/container root, ending with '/'. */
  protected abstract ObjectUri root();

  protected abstract FaultPlan.Dialect dialect();

  /** Size of one multipart part / staged block in {@link #viaProxy}. */
  protected abstract int partSize();

  protected abstract ObjectUri.Scheme scheme();

  static long seed() {
    return Long.getLong("s3dlio.faults.seed", DEFAULT_SEED);
  }

  /** The plan of the fault runs; {@code scale} multiplies every rate (1: normal, 2: harsh). */
  static FaultPlan plan(long seed, FaultPlan.Dialect dialect, double scale) {
    return FaultPlan.seeded(seed).dialect(dialect)
        .rate(Fault.THROTTLE, 0.05 * scale).throttleBurst(2)
        .rate(Fault.SERVER_ERROR, 0.03 * scale)
        .rate(Fault.RESET, 0.05 * scale)
        .rate(Fault.DROP_RESPONSE, 0.03 * scale)
        .rate(Fault.STALL, 0.015 * scale).stall(Duration.ofMillis(1500))
        .rate(Fault.TRUNCATE, 0.05 * scale)
        .rate(Fault.TRICKLE, 0.03 * scale).trickle(2048, Duration.ofMillis(1), 64 << 10)
        .build();
  }

  /** Settings that leave one retry and one resume, so that the harsh run makes some operations fail. */
  protected abstract Map<String, String> oneRetry();

  @Test
  void everyOperationIsCorrectOrFailsClearly() throws Exception {
    FaultTally tally = run("", plan(seed(), dialect(), 1), Map.of());
    assertThat(tally.correct()).as("operations completed correctly").isGreaterThan(100);
  }

  @Test
  void withOneRetryOperationsFailButClearlyAndNeverWithWrongData() throws Exception {
    FaultTally tally = run(", harsh: rates x2, one retry", plan(seed(), dialect(), 2), oneRetry());
    assertThat(tally.failedClearly()).as("operations that failed (clearly)").isPositive();
  }

  static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }

  private FaultTally run(String label, FaultPlan plan, Map<String, String> extra) throws Exception {
    long seed = plan.seed();
    FaultTally tally = new FaultTally();
    // names from the seed, not random: the plan decides by request identity, so the same seed on a
    // fresh server injects the same faults into the same requests
    ObjectUri base = root().child("faults-" + seed + (label.isEmpty() ? "-normal" : "-harsh") + "/");
    int[] sizes = {0, 1, 1000, 64 << 10, 300 << 10, 2 * MIB, 2 * partSize() + 12345, 3 * partSize() + 1};
    Random random = new Random(seed);
    Map<ObjectUri, byte[]> written = new LinkedHashMap<>();
    try (FaultProxy proxy = FaultProxy.start(serverEndpoint());
        ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), viaProxy(proxy).with(extra));
        ObjectStore check = io.s3dlio.store.ObjectStores.open(scheme(), direct())) {
      proxy.plan(plan);

      // ---- writes: put, create-only put, streaming writer (multipart above one part), create-only writer
      int n = 0;
      for (int round = 0; round < 3; round++) {
        for (int size : sizes) {
          byte[] data = new byte[size];
          random.nextBytes(data);
          ObjectUri uri = base.child(String.format("obj-%03d.bin", n));
          boolean createOnly = n % 2 == 1;
          boolean streaming = size > 64 << 10 || n % 3 == 0;
          String op = (streaming ? "write (streaming" : "put (single") + (createOnly ? ", create-only)" : ")");
          n++;
          try {
            WriteOptions wo = createOnly ? WriteOptions.createNew() : WriteOptions.DEFAULT;
            if (streaming) {
              try (ObjectWriter w = store.openWriter(uri, wo)) {
                for (int off = 0; off < size; off += 100_000) {
                  w.write(data, off, Math.min(100_000, size - off));
                }
              }
            } else {
              store.put(uri, data, wo);
            }
            byte[] back = check.get(uri);
            if (back.length == size && crc(back, 0, size) == crc(data, 0, size)) {
              tally.correct(op);
              written.put(uri, data);
            } else {
              tally.wrong(op, uri + ": read back " + back.length + " bytes, wrote " + size);
            }
          } catch (IOException e) {
            tally.failed(op, e, uri.toString());
            // a failed write leaves nothing, or (its answer lost) the whole object: never a part of it
            try {
              byte[] back = check.get(uri);
              if (back.length != size || crc(back, 0, size) != crc(data, 0, size)) {
                tally.wrong(op + " (after failure)", uri + ": " + back.length + " bytes of another content");
              } else {
                written.put(uri, data);
              }
            } catch (FileNotFoundException absent) {
              // nothing written: fine
            }
          }
        }
      }

      // ---- reads: whole, ranges, streams
      for (Map.Entry<ObjectUri, byte[]> e : written.entrySet()) {
        ObjectUri uri = e.getKey();
        byte[] data = e.getValue();
        tally.run("get", () -> {
          byte[] got = store.get(uri);
          return got.length == data.length && crc(got, 0, got.length) == crc(data, 0, data.length);
        }, uri.toString());
        if (data.length > 0) {
          for (int r = 0; r < 3; r++) {
            int off = random.nextInt(data.length);
            int len = 1 + random.nextInt(Math.min(data.length - off, 1 << 20));
            tally.run("getRange", () -> {
              byte[] got = store.getRange(uri, off, len);
              return got.length == len && crc(got, 0, len) == crc(data, off, len);
            }, uri.toString());
          }
          int off = random.nextInt(data.length);
          tally.run("openRange (streamed)", () -> {
            try (InputStream in = store.openRange(uri, off, -1)) {
              byte[] got = in.readAllBytes();
              return got.length == data.length - off && crc(got, 0, got.length) == crc(data, off, data.length - off);
            }
          }, uri.toString());
        }
      }

      // ---- paged listings, recursive and by delimiter
      Set<String> expected = new TreeSet<>();
      for (ObjectEntry en : iterable(check.list(base, ListOptions.recursive()))) {
        expected.add(en.uri().key());
      }
      for (int r = 0; r < 4; r++) {
        tally.run("list (pages of 3)", () -> {
          Set<String> got = new TreeSet<>();
          for (ObjectEntry en : iterable(store.list(base, ListOptions.recursive().withPageSize(3)))) {
            got.add(en.uri().key());
          }
          return got.equals(expected);
        }, base.toString());
      }

      String table = tally.table(scheme().id() + ":// store through FaultProxy (seed " + seed + label + ")", proxy);
      System.out.println(table);
      tally.failures().forEach(f -> System.out.println("  clear failure: " + f));
      Path out = Paths.get("target", "reliability", scheme().id() + "-store" + (label.isEmpty() ? "" : "-harsh") + ".md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, table, StandardCharsets.UTF_8);

      assertThat(tally.problems()).as("wrong data or unclear failures").isEmpty();
      for (Fault f : Fault.values()) {
        assertThat(proxy.injected(f)).as("%s faults injected", f).isPositive();
      }
      return tally;
    }
  }

  // ---------------------------------------------------------------- lost answers, deadlines, versions

  private ObjectUri fresh(String name) {
    return root().child("retry-" + UUID.randomUUID() + "/" + name);
  }

  private static long requests(FaultProxy p, String method, ObjectUri uri) {
    String key = uri.key();
    return p.requestHeads().stream().filter(h -> h.startsWith(method + " ") && h.split(" ")[1].contains(
        key.substring(key.lastIndexOf('/') + 1))).count();
  }

  @Test
  void createOnlyPutWhoseAnswerWasLostIsReportedDone() throws Exception {
    ObjectUri uri = fresh("lost-answer.bin");
    byte[] data = "written once, answered never".getBytes(StandardCharsets.UTF_8);
    try (FaultProxy proxy = FaultProxy.start(serverEndpoint());
        ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), viaProxy(proxy));
        ObjectStore check = io.s3dlio.store.ObjectStores.open(scheme(), direct())) {
      proxy.plan(FaultPlan.seeded(1).dialect(dialect()).rate(Fault.DROP_RESPONSE, 1.0, FaultPlan.RequestKind.PUT)
          .maxFaultsPerRequest(1).build());
      store.put(uri, data, WriteOptions.createNew());
      assertThat(proxy.injected(Fault.DROP_RESPONSE)).isEqualTo(1);
      assertThat(requests(proxy, "PUT", uri)).as("the PUT and its retry").isEqualTo(2);
      assertThat(check.get(uri)).isEqualTo(data);
      // a real conflict is still one
      proxy.plan(null);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put(uri, new byte[] {1}, WriteOptions.createNew()))
          .isInstanceOf(java.nio.file.FileAlreadyExistsException.class).hasMessageContaining(uri.toString());
    }
  }

  @Test
  void uploadWhoseCompletionAnswerWasLostIsReportedDone() throws Exception {
    for (boolean createOnly : new boolean[] {true, false}) {
      ObjectUri uri = fresh("lost-completion-" + createOnly + ".bin");
      byte[] data = new byte[2 * partSize() + 1];
      new Random(7).nextBytes(data);
      try (FaultProxy proxy = FaultProxy.start(serverEndpoint());
          ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), viaProxy(proxy));
          ObjectStore check = io.s3dlio.store.ObjectStores.open(scheme(), direct())) {
        proxy.plan(FaultPlan.seeded(2).dialect(dialect())
            .rate(Fault.DROP_RESPONSE, 1.0, FaultPlan.RequestKind.COMPLETE_UPLOAD).maxFaultsPerRequest(1).build());
        try (ObjectWriter w = store.openWriter(uri, createOnly ? WriteOptions.createNew() : WriteOptions.DEFAULT)) {
          w.write(data);
        }
        assertThat(proxy.injected(Fault.DROP_RESPONSE)).as("create-only %s", createOnly).isEqualTo(1);
        assertThat(proxy.requestsSeen().get(FaultPlan.RequestKind.COMPLETE_UPLOAD)).isEqualTo(2);
        assertThat(crc(check.get(uri), 0, data.length)).isEqualTo(crc(data, 0, data.length));
      }
    }
  }

  /** Settings of a store that retries for long with a short deadline. */
  protected abstract StoreConfig withDeadline(FaultProxy proxy, String deadline, int maxRetries);

  @Test
  void callDeadlineFailsNamingOpUriAttemptsAndTime() throws Exception {
    ObjectUri uri = fresh("deadline.bin");
    try (FaultProxy proxy = FaultProxy.start(serverEndpoint());
        ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), withDeadline(proxy, "1s", 1000))) {
      proxy.plan(FaultPlan.seeded(3).dialect(dialect()).rate(Fault.THROTTLE, 1.0).build());
      long t0 = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put(uri, new byte[10]))
          .isInstanceOf(io.s3dlio.store.StoreException.class)
          .hasMessageStartingWith("put " + uri + ": gave up after ")
          .hasMessageMatching("(?s).* after \\d+ attempts in \\d+\\.\\d s.*")
          .hasMessageContaining("call deadline")
          .hasMessageContaining("call-deadline");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
      assertThat(proxy.injected(Fault.THROTTLE)).isGreaterThan(1);
    }
    try (FaultProxy proxy = FaultProxy.start(serverEndpoint());
        ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), withDeadline(proxy, "0", 2))) {
      proxy.plan(FaultPlan.seeded(3).dialect(dialect()).rate(Fault.SERVER_ERROR, 1.0).build());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.get(uri))
          .isInstanceOf(io.s3dlio.store.StoreException.class)
          .hasMessageContaining(uri.toString())
          .hasMessageContaining("3 attempts")
          .hasMessageContaining("500");
      assertThat(proxy.injected(Fault.SERVER_ERROR)).isEqualTo(3);
    }
  }

  @Test
  void copyWhoseSourceChangesFailsAsAChangeNotAsExists() throws Exception {
    ObjectUri src = fresh("copy-src.bin");
    ObjectUri dst = src.withKey(src.key().replace("copy-src", "copy-dst"));
    try (FaultProxy proxy = FaultProxy.start(serverEndpoint());
        ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), viaProxy(proxy));
        ObjectStore check = io.s3dlio.store.ObjectStores.open(scheme(), direct())) {
      check.put(src, "version 1".getBytes(StandardCharsets.UTF_8));
      String before = check.stat(src).etag();
      proxy.beforeNext(FaultPlan.RequestKind.COPY, () -> {
        try {
          check.put(src, "version 2, longer".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String after;
      try {
        store.copy(src, dst);
        throw new AssertionError("the copy of a source changed under it succeeded");
      } catch (io.s3dlio.store.ObjectChangedException e) {
        after = check.stat(src).etag();
        assertThat(e).hasMessageStartingWith("copy " + src + " to " + dst + ": the source changed during the copy")
            .hasMessageContaining(before).hasMessageContaining(after);
        assertThat(e.expectedEtag()).isEqualTo(before);
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> check.stat(dst)).isInstanceOf(FileNotFoundException.class);
    }
  }

  @Test
  void readPinnedToAnOldVersionFailsNamingBothEtags() throws Exception {
    ObjectUri uri = fresh("pinned.bin");
    try (ObjectStore store = io.s3dlio.store.ObjectStores.open(scheme(), direct())) {
      store.put(uri, new byte[5000]);
      String first;
      try (InputStream in = store.openRange(uri, 0, 100, null)) {
        first = io.s3dlio.store.ResumingInputStream.etagOf(in);
        assertThat(in.readAllBytes()).hasSize(100);
      }
      assertThat(first).isEqualTo(store.stat(uri).etag());
      byte[] v2 = new byte[6000];
      v2[0] = 2;
      store.put(uri, v2);
      String second = store.stat(uri).etag();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.openRange(uri, 1000, 100, first).readAllBytes())
          .isInstanceOf(io.s3dlio.store.ObjectChangedException.class)
          .hasMessageStartingWith("read " + uri + ": the object changed while it was read (at offset 1000")
          .hasMessageContaining(first).hasMessageContaining(second);
      try (InputStream in = store.openRange(uri, 0, 1, second)) {
        assertThat(in.read()).isEqualTo(2);
      }
    }
  }

  private static <T> Iterable<T> iterable(Iterator<T> it) {
    List<T> all = new ArrayList<>();
    it.forEachRemaining(all::add);
    return all;
  }
}
