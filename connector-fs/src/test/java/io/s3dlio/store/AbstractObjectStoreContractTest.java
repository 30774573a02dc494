package io.s3dlio.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ObjectStore} backend must have. Each backend subclasses this once,
 * against a real server (S3Proxy, Azurite) or real local disk.
 */
public abstract class AbstractObjectStoreContractTest {
  protected static final int MIB = 1 << 20;

  protected ObjectStore store;
  /** A fresh, empty prefix for each test, ending with '/'. */
  protected ObjectUri base;

  /** A store to test; closed after each test. */
  protected abstract ObjectStore createStore() throws IOException;

  /** A URI under which the test may create objects (an existing bucket/container or directory). */
  protected abstract ObjectUri testRoot() throws IOException;

  @BeforeEach
  void setUpStore() throws IOException {
    store = createStore();
    base = testRoot().child("contract-" + UUID.randomUUID() + "/");
  }

  @AfterEach
  void tearDownStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  protected ObjectUri key(String name) {
    return base.child(name);
  }

  protected static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "put/get {0} bytes")
  @ValueSource(ints = {0, 1, 5 * MIB + 1})
  void putGetRoundTrip(int size) throws IOException {
    byte[] data = randomBytes(size, size);
    ObjectUri uri = key("rt-" + size + ".bin");
    store.put(uri, data);
    assertThat(store.get(uri)).isEqualTo(data);
    assertThat(store.stat(uri).size()).isEqualTo(size);
  }

  @ParameterizedTest(name = "streaming writer {0} bytes")
  @ValueSource(ints = {0, 1, 5 * MIB + 1})
  void writerRoundTrip(int size) throws IOException {
    byte[] data = randomBytes(size, 31L * size);
    ObjectUri uri = key("w-" + size + ".bin");
    try (ObjectWriter w = store.openWriter(uri)) {
      // uneven write sizes to cross block boundaries at odd places
      int off = 0;
      int step = 1;
      while (off < data.length) {
        int n = Math.min(step, data.length - off);
        w.write(data, off, n);
        off += n;
        step = step * 3 + 7;
      }
      assertThat(w.bytesWritten()).isEqualTo(size);
    }
    assertThat(store.get(uri)).isEqualTo(data);
  }

  @Test
  void hundredMibStreamedBothWays() throws Exception {
    long size = 100L * MIB;
    ObjectUri uri = key("big-100MiB.bin");
    MessageDigest written = sha256();
    Random random = new Random(100);
    byte[] chunk = new byte[MIB + 13];
    long left = size;
    try (ObjectWriter w = store.openWriter(uri)) {
      while (left > 0) {
        int n = (int) Math.min(chunk.length, left);
        random.nextBytes(chunk);
        w.write(chunk, 0, n);
        written.update(chunk, 0, n);
        left -= n;
      }
    }
    assertThat(store.stat(uri).size()).isEqualTo(size);
    MessageDigest read = sha256();
    long total = 0;
    try (InputStream in = store.openRange(uri, 0, -1)) {
      byte[] buf = new byte[256 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        read.update(buf, 0, n);
        total += n;
      }
    }
    assertThat(total).isEqualTo(size);
    assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(HexFormat.of().formatHex(written.digest()));
    byte[] whole = store.get(uri);
    assertThat(whole.length).isEqualTo(size);
    MessageDigest again = sha256();
    again.update(whole);
    assertThat(again.digest()).isEqualTo(sha256Of(uri));
  }

  private byte[] sha256Of(ObjectUri uri) throws IOException {
    MessageDigest d = sha256();
    try (InputStream in = store.openRange(uri, 0, -1)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return d.digest();
  }

  @Test
  void rangesAtStartMiddleEndAndPastEnd() throws IOException {
    byte[] data = randomBytes(10_000, 7);
    ObjectUri uri = key("ranges.bin");
    store.put(uri, data);
    assertThat(store.getRange(uri, 0, 100)).isEqualTo(Arrays.copyOfRange(data, 0, 100));
    assertThat(store.getRange(uri, 4_321, 1_000)).isEqualTo(Arrays.copyOfRange(data, 4_321, 5_321));
    assertThat(store.getRange(uri, 9_900, 100)).isEqualTo(Arrays.copyOfRange(data, 9_900, 10_000));
    // runs past the end: cut at the end
    assertThat(store.getRange(uri, 9_990, 100)).isEqualTo(Arrays.copyOfRange(data, 9_990, 10_000));
    assertThat(store.getRange(uri, 5, 0)).isEmpty();
    // starts at or past the end
    assertThatThrownBy(() -> store.getRange(uri, 10_000, 10))
        .isInstanceOf(EOFException.class).hasMessageContaining(uri.toString());
    assertThatThrownBy(() -> store.getRange(uri, 20_000, 10))
        .isInstanceOf(EOFException.class).hasMessageContaining(uri.toString());
  }

  @Test
  void openRangeStreamsExactBytes() throws IOException {
    byte[] data = randomBytes(300_000, 11);
    ObjectUri uri = key("stream.bin");
    store.put(uri, data);
    try (InputStream in = store.openRange(uri, 1_000, 50_000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1_000, 51_000));
    }
    try (InputStream in = store.openRange(uri, 299_000, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 299_000, 300_000));
    }
    try (InputStream in = store.openRange(uri, 299_000, 5_000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 299_000, 300_000));
    }
  }

  @Test
  void statReportsSizeTimeAndEtag() throws IOException {
    Instant before = Instant.now().minus(Duration.ofMinutes(5));
    ObjectUri uri = key("stat.bin");
    store.put(uri, randomBytes(1234, 3));
    ObjectStat stat = store.stat(uri);
    assertThat(stat.uri()).isEqualTo(uri);
    assertThat(stat.size()).isEqualTo(1234);
    assertThat(stat.lastModified()).isAfter(before).isBefore(Instant.now().plus(Duration.ofMinutes(5)));
    assertThat(stat.etag()).isNotBlank();
    store.put(uri, randomBytes(1234, 4));
    assertThat(store.stat(uri).etag()).as("etag changes with content").isNotEqualTo(stat.etag());
  }

  @Test
  void missingObjectsAreNamedInErrors() {
    ObjectUri missing = key("no-such-object");
    assertThatThrownBy(() -> store.stat(missing))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.get(missing))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.getRange(missing, 0, 10))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.openRange(missing, 0, -1).close())
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.copy(missing, key("copy-target")))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void listsTwentyFiveHundredKeysInPages() throws Exception {
    int n = 2_500;
    List<String> expected = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = String.format("k%05d", i);
        expected.add(base.child("many/" + name).key());
        puts.add(pool.submit(() -> {
          store.put(key("many/" + name), new byte[] {1});
          return null;
        }));
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    List<String> keys = new ArrayList<>();
    Iterator<ObjectEntry> it = store.list(key("many/"), ListOptions.recursive().withPageSize(1000));
    while (it.hasNext()) {
      ObjectEntry e = it.next();
      assertThat(e.isPrefix()).isFalse();
      assertThat(e.size()).isEqualTo(1);
      keys.add(e.uri().key());
    }
    assertThat(keys).containsExactlyElementsOf(expected);

    // a prefix that is not a whole path segment
    List<String> partial = new ArrayList<>();
    store.list(key("many/k012"), ListOptions.recursive().withPageSize(7)).forEachRemaining(e -> partial.add(e.uri().name()));
    assertThat(partial).hasSize(100).startsWith("k01200").endsWith("k01299");
  }

  @Test
  void listsOneLevelWithDelimiter() throws IOException {
    for (String k : List.of("a/1", "a/2", "a/deep/3", "b/x", "c", "d.txt")) {
      store.put(key("tree/" + k), k.getBytes(StandardCharsets.UTF_8));
    }
    List<String> rows = new ArrayList<>();
    store.list(key("tree/"), ListOptions.oneLevel().withPageSize(2))
        .forEachRemaining(e -> rows.add((e.isPrefix() ? "P " : "O ") + e.uri().key().substring(base.key().length())));
    assertThat(rows).containsExactly("P tree/a/", "P tree/b/", "O tree/c", "O tree/d.txt");

    List<String> deep = new ArrayList<>();
    store.list(key("tree/a/"), ListOptions.recursive()).forEachRemaining(e -> deep.add(e.uri().name()));
    assertThat(deep).containsExactly("1", "2", "3");

    List<ObjectEntry> none = new ArrayList<>();
    store.list(key("no-such-prefix/"), ListOptions.recursive()).forEachRemaining(none::add);
    assertThat(none).isEmpty();
  }

  @Test
  void deletesOfMissingKeysAreNotErrors() throws IOException {
    store.delete(key("never-written"));
    ObjectUri present = key("present");
    store.put(present, new byte[] {1, 2});
    store.delete(present);
    assertThatThrownBy(() -> store.stat(present)).isInstanceOf(FileNotFoundException.class);
    store.delete(present);
  }

  @Test
  void bulkDeleteRemovesManyAndIgnoresMissing() throws IOException {
    List<ObjectUri> uris = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ObjectUri u = key("bulk/" + i);
      store.put(u, new byte[] {(byte) i});
      uris.add(u);
    }
    uris.add(key("bulk/missing-1"));
    assertThat(store.bulkDeletePageSize()).isPositive();
    assertThat(store.deleteAll(uris)).isEmpty();
    List<ObjectEntry> left = new ArrayList<>();
    store.list(key("bulk/"), ListOptions.recursive()).forEachRemaining(left::add);
    assertThat(left).isEmpty();
  }

  @Test
  void unicodeSpacesAndPercentKeysRoundTrip() throws IOException {
    String name = "dir with space/ünïcödé 日本語 %41 %zz + plus&amp=1;é.bin";
    ObjectUri uri = key(name);
    assertThat(ObjectUri.parse(uri.toString())).isEqualTo(uri);
    byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
    store.put(uri, data);
    assertThat(store.get(uri)).isEqualTo(data);
    assertThat(store.stat(uri).size()).isEqualTo(data.length);
    List<String> keys = new ArrayList<>();
    store.list(key("dir with space/"), ListOptions.recursive()).forEachRemaining(e -> keys.add(e.uri().key()));
    assertThat(keys).containsExactly(uri.key());
    ObjectUri copy = key("dir with space/copy ✓ 100%.bin");
    store.copy(uri, copy);
    assertThat(store.get(copy)).isEqualTo(data);
    store.delete(uri);
    store.delete(copy);
    assertThatThrownBy(() -> store.stat(uri)).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void serverSideCopy() throws IOException {
    byte[] data = randomBytes(70_000, 5);
    ObjectUri src = key("copy/src.bin");
    ObjectUri dst = key("copy/sub/dst.bin");
    store.put(src, data);
    store.copy(src, dst);
    assertThat(store.get(dst)).isEqualTo(data);
    assertThat(store.get(src)).isEqualTo(data);
  }

  @Test
  void conditionalCreateRefusesExistingObject() throws IOException {
    ObjectUri uri = key("exclusive.bin");
    store.put(uri, new byte[] {1}, WriteOptions.createNew());
    if (store.supportsConditionalCreate()) {
      assertThatThrownBy(() -> store.put(uri, new byte[] {2}, WriteOptions.createNew()))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(uri.toString());
      assertThatThrownBy(() -> {
        try (ObjectWriter w = store.openWriter(uri, WriteOptions.createNew())) {
          w.write(new byte[] {3});
        }
      }).isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(uri.toString());
      assertThat(store.get(uri)).containsExactly(1);
    }
    store.put(uri, new byte[] {4});
    assertThat(store.get(uri)).containsExactly(4);
  }

  @Test
  void abortedWriterLeavesNothing() throws IOException {
    ObjectUri uri = key("aborted.bin");
    ObjectWriter w = store.openWriter(uri);
    w.write(randomBytes(6 * MIB, 9));
    w.abort();
    w.close();
    assertThatThrownBy(() -> store.stat(uri)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> w.write(1)).isInstanceOf(IOException.class);
  }

  protected static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
