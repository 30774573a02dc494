package io.s3dlio.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.ResumingInputStream;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreException;
import io.s3dlio.store.WriteOptions;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** S3-specific behaviour against S3Proxy, some of it through a fault-injecting proxy. */
class TestS3ObjectStore {
  private static final String BUCKET = "s3-specific";
  private static final int MIB = 1 << 20;
  private static S3ProxyServer server;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.get();
    server.createBucket(BUCKET);
  }

  @BeforeEach
  void newPrefix() {
    prefix = "t-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private ObjectUri key(String name) {
    return ObjectUri.parse("s3://" + BUCKET + "/" + prefix + name);
  }

  private ObjectStore open(StoreConfig config) throws IOException {
    ObjectStore s = ObjectStores.open(ObjectUri.Scheme.S3, config);
    toClose.add(s);
    return s;
  }

  private ObjectStore direct() throws IOException {
    return open(server.storeConfig());
  }

  private FaultProxy proxy() {
    FaultProxy p = FaultProxy.start(server.endpoint());
    toClose.add(p);
    return p;
  }

  private static StoreConfig via(FaultProxy p, Map<String, String> more) {
    return server.storeConfig().with("s3.endpoint", p.endpoint().toString()).with(more);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static long count(FaultProxy p, String needle) {
    String n = needle.toLowerCase(Locale.ROOT);
    return p.requestHeads().stream().filter(h -> h.toLowerCase(Locale.ROOT).contains(n)).count();
  }

  @Test
  void wrongSecretIsAccessDeniedNamingTheUri() throws IOException {
    String wrong = "not-the-secret-" + UUID.randomUUID();
    ObjectStore store = open(server.storeConfig().with("s3.secret-key", wrong));
    ObjectUri uri = key("denied.bin");
    assertThatThrownBy(() -> store.put(uri, new byte[] {1}))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageStartingWith("put " + uri + ": access denied")
        .hasMessageNotContaining(wrong);
    assertThatThrownBy(() -> store.get(uri))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(uri.toString())
        .hasMessageNotContaining(wrong);
    assertThatThrownBy(() -> store.list(uri, ListOptions.recursive()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(uri.toString());
  }

  @Test
  void missingBucketIsNamed() throws IOException {
    ObjectStore store = direct();
    String bucket = "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectUri uri = ObjectUri.parse("s3://" + bucket + "/some/key.bin");
    assertThatThrownBy(() -> store.get(uri))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageStartingWith("read " + uri + ": bucket '" + bucket + "' does not exist");
    assertThatThrownBy(() -> store.put(uri, new byte[] {1}))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("put " + uri + ": bucket '" + bucket + "' does not exist");
    assertThatThrownBy(() -> store.list(uri.withKey("some/"), ListOptions.recursive()))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("bucket '" + bucket + "' does not exist");
    // HEAD has no error body: the message names the bucket as a possible cause
    assertThatThrownBy(() -> store.stat(uri))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining(uri.toString())
        .hasMessageContaining("'" + bucket + "'");
  }

  @Test
  void serverDownFailsQuicklyNamingTheUri() throws IOException {
    int port = S3ProxyServer.freePort(); // closed again: nothing listens there
    ObjectStore store = open(server.storeConfig().with(Map.of(
        "s3.endpoint", "http://127.0.0.1:" + port, "s3.max-retries", "2", "s3.connect-timeout", "2s")));
    ObjectUri uri = key("down.bin");
    long start = System.nanoTime();
    assertThatThrownBy(() -> store.stat(uri))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("stat " + uri + ": ")
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("SDK Attempt Count: 3")
        .satisfies(e -> assertThat(((StoreException) e).statusCode()).isEqualTo(-1));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThatThrownBy(() -> store.getRange(uri, 10, 10))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(uri.toString())
        .hasMessageContaining("offset 10");
  }

  @ParameterizedTest(name = "calculation {0}, validation {1}")
  @CsvSource({"when_supported,when_supported", "when_required,when_required", "when_required,when_supported",
      "when_supported,when_required"})
  void checksumModesRoundTrip(String calculation, String validation) throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of("s3.checksum-calculation", calculation,
        "s3.checksum-validation", validation, "s3.part-size", "5m")));
    byte[] small = random(1000, 1);
    byte[] big = random(11 * MIB + 5, 2);
    store.put(key("empty"), new byte[0]);
    store.put(key("small"), small);
    try (ObjectWriter w = store.openWriter(key("big"))) {
      w.write(big);
    }
    assertThat(store.get(key("empty"))).isEmpty();
    assertThat(store.get(key("small"))).isEqualTo(small);
    assertThat(store.get(key("big"))).isEqualTo(big);
    assertThat(store.getRange(key("big"), 6 * MIB, 1000)).isEqualTo(Arrays.copyOfRange(big, 6 * MIB, 6 * MIB + 1000));

    List<String> uploads = p.requestHeads().stream().filter(h -> h.startsWith("PUT ")).toList();
    assertThat(uploads).hasSize(2 + 3); // two puts, three parts
    if (calculation.equals("when_supported")) {
      assertThat(uploads).allSatisfy(h -> assertThat(h.toLowerCase(Locale.ROOT)).contains("crc32c"));
      assertThat(count(p, "x-amz-checksum-algorithm: crc32c")).as("CreateMultipartUpload asks for CRC32C").isEqualTo(1);
    } else {
      // (plain-HTTP endpoints still get SigV4-signed aws-chunked bodies, but no trailing checksum)
      assertThat(uploads).noneSatisfy(h -> assertThat(h.toLowerCase(Locale.ROOT)).containsAnyOf("crc32c", "x-amz-trailer"));
    }
  }

  @Test
  void cutBodyIsResumedFromTheLastGoodByte() throws IOException {
    byte[] data = random(3 * MIB, 3);
    ObjectUri uri = key("cut.bin");
    direct().put(uri, data);
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of()));

    p.cutGetBodies(2, 100_000);
    try (InputStream in = store.openRange(uri, 1000, 2 * MIB)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 1000 + 2 * MIB));
      assertThat(((ResumingInputStream) MeteredObjectStore.unwrap(in)).resumes()).isEqualTo(2);
    }
    assertThat(p.cutCount()).isEqualTo(2);
    // resumed requests carry the range from the last good byte, pinned to the same object version
    List<String> gets = p.requestHeads().stream().filter(h -> h.startsWith("GET ")).toList();
    assertThat(gets).hasSize(3);
    assertThat(gets.get(1).toLowerCase(Locale.ROOT))
        .contains("range: bytes=" + (1000 + 100_000) + "-" + (1000 + 2 * MIB - 1))
        .contains("if-match:");

    p.cutGetBodies(1, 54_321);
    assertThat(store.get(uri)).isEqualTo(data);
    assertThat(p.cutCount()).isEqualTo(3);

    p.cutGetBodies(1, 12_345);
    try (InputStream in = store.openRange(uri, 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
      assertThat(((ResumingInputStream) MeteredObjectStore.unwrap(in)).resumes()).isEqualTo(1);
    }
  }

  @Test
  void bodyThatNeverProgressesFailsNamingUriAndOffset() throws IOException {
    byte[] data = random(500_000, 4);
    ObjectUri uri = key("stuck.bin");
    direct().put(uri, data);
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of("s3.resume-attempts", "2")));
    p.cutGetBodies(100, 0);
    assertThatThrownBy(() -> {
      try (InputStream in = store.openRange(uri, 7, -1)) {
        in.readAllBytes();
      }
    }).isInstanceOf(StoreException.class)
        .hasMessageStartingWith("read " + uri + ": failed at offset 7 after 2 resumes");
    assertThat(p.cutCount()).isEqualTo(3);
  }

  @Test
  void throttlingIsRetried() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of()));
    ObjectUri uri = key("throttled.bin");
    byte[] data = random(10_000, 5);
    p.throttle(3);
    store.put(uri, data);
    assertThat(p.throttledCount()).isEqualTo(3);
    p.throttle(2);
    assertThat(store.get(uri)).isEqualTo(data);
    assertThat(p.throttledCount()).isEqualTo(5);
  }

  @Test
  void retriesAreBoundedByMaxRetries() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of("s3.max-retries", "1")));
    ObjectUri uri = key("always-throttled.bin");
    p.throttle(100);
    assertThatThrownBy(() -> store.put(uri, new byte[] {1}))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("put " + uri + ": SlowDown: Please reduce your request rate. (HTTP 503")
        .satisfies(e -> assertThat(((StoreException) e).statusCode()).isEqualTo(503));
    assertThat(p.throttledCount()).isEqualTo(2);
  }

  @ParameterizedTest(name = "pool of {0}")
  @CsvSource({"2", "6"})
  void connectionPoolSizeIsHonoured(int pool) throws Exception {
    assertThat(S3StoreConfig.from(server.storeConfig().with("s3.max-connections", String.valueOf(pool)))
        .maxConnections()).isEqualTo(pool);
    byte[] data = random(200_000, 6);
    ObjectUri uri = key("pool.bin");
    direct().put(uri, data);
    FaultProxy p = proxy().latency(Duration.ofMillis(150));
    ObjectStore store = open(via(p, Map.of("s3.max-connections", String.valueOf(pool))));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> reads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        reads.add(threads.submit(() -> {
          for (int i = 0; i < 3; i++) {
            int off = (seed * 7919 + i * 104_729) % 150_000;
            assertThat(store.getRange(uri, off, 20_000)).isEqualTo(Arrays.copyOfRange(data, off, off + 20_000));
          }
          return null;
        }));
      }
      for (Future<?> f : reads) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
    assertThat(p.peakInFlight()).isEqualTo(pool);
  }

  @Test
  void multipartCopyRunsAtMostCopyParallelismPartsAtOnce() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of("s3.copy-multipart-threshold", "5m", "s3.copy-part-size", "5m",
        "s3.copy-parallelism", "2")));
    byte[] data = random(30 * MIB + 1, 8);
    ObjectUri src = key("bounded-copy-src.bin");
    ObjectUri dst = key("bounded-copy-dst.bin");
    direct().put(src, data);
    p.latency(Duration.ofMillis(150));
    store.copy(src, dst);
    assertThat(count(p, "x-amz-copy-source-range: bytes=")).isEqualTo(7);
    assertThat(count(p, "x-amz-copy-source-if-match: ")).as("every part pinned to the source").isEqualTo(7);
    assertThat(p.peakInFlight()).as("requests in flight at once").isEqualTo(2);
    assertThat(direct().get(dst)).isEqualTo(data);
  }

  @Test
  void largeCopiesUseUploadPartCopy() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of("s3.copy-multipart-threshold", "5m", "s3.copy-part-size", "5m")));
    byte[] data = random(12 * MIB + 3, 7);
    ObjectUri src = key("copy-src.bin");
    ObjectUri dst = key("copy-dst.bin");
    direct().put(src, data);
    store.copy(src, dst);
    assertThat(direct().get(dst)).isEqualTo(data);
    assertThat(count(p, "x-amz-copy-source-range: bytes=")).isEqualTo(3);
    // small objects still take one CopyObject
    p.reset();
    store.copy(key("copy-src.bin"), key("copy-dst2.bin"));
    ObjectUri small = key("small-src");
    direct().put(small, new byte[] {9});
    p.reset();
    store.copy(small, key("small-dst"));
    assertThat(count(p, "x-amz-copy-source-range")).isZero();
    assertThat(count(p, "x-amz-copy-source:")).isEqualTo(1);
  }

  @Test
  void conditionalCreateOfMultipartWriteRefusesExistingObject() throws IOException {
    ObjectStore store = open(server.storeConfig().with("s3.part-size", "5m"));
    ObjectUri uri = key("exclusive-big.bin");
    store.put(uri, new byte[] {1});
    assertThatThrownBy(() -> {
      try (ObjectWriter w = store.openWriter(uri, WriteOptions.createNew())) {
        w.write(random(11 * MIB, 8));
      }
    }).isInstanceOf(FileAlreadyExistsException.class).hasMessageStartingWith("write " + uri + ": an object already exists");
    assertThat(store.get(uri)).containsExactly(1);
    ObjectUri fresh = key("exclusive-new.bin");
    byte[] data = random(11 * MIB, 9);
    try (ObjectWriter w = store.openWriter(fresh, WriteOptions.createNew())) {
      w.write(data);
    }
    assertThat(store.get(fresh)).isEqualTo(data);
  }

  @Test
  void etagsHaveNoQuotes() throws IOException {
    ObjectStore store = direct();
    ObjectUri uri = key("etag.bin");
    store.put(uri, new byte[] {1, 2, 3});
    String etag = store.stat(uri).etag();
    assertThat(etag).isNotBlank().doesNotContain("\"");
    ObjectEntry e = store.list(uri, ListOptions.recursive()).next();
    assertThat(e.etag()).isEqualTo(etag);
  }

  @Test
  void listingFetchesPagesOnlyWhenNeeded() throws IOException {
    ObjectStore setup = direct();
    for (int i = 0; i < 5; i++) {
      setup.put(key("lazy/" + i), new byte[] {(byte) i});
    }
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of()));
    Iterator<ObjectEntry> it = store.list(key("lazy/"), ListOptions.recursive().withPageSize(2));
    assertThat(count(p, "list-type=2")).isEqualTo(1);
    it.next();
    it.next();
    assertThat(count(p, "list-type=2")).isEqualTo(1);
    assertThat(it.hasNext()).isTrue();
    assertThat(count(p, "list-type=2")).isEqualTo(2);
    List<String> names = new ArrayList<>();
    it.forEachRemaining(e -> names.add(e.uri().name()));
    assertThat(names).containsExactly("2", "3", "4");
    assertThat(count(p, "list-type=2")).isEqualTo(3);
  }

  @Test
  void bulkDeleteSendsPagesOfAThousand() throws Exception {
    ObjectStore setup = direct();
    List<ObjectUri> uris = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < 1_200; i++) {
        ObjectUri u = key(String.format("del/%05d", i));
        uris.add(u);
        puts.add(pool.submit(() -> {
          setup.put(u, new byte[] {1});
          return null;
        }));
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    FaultProxy p = proxy();
    ObjectStore store = open(via(p, Map.of()));
    assertThat(store.bulkDeletePageSize()).isEqualTo(1000);
    assertThat(store.deleteAll(uris)).isEmpty();
    assertThat(count(p, "POST /" + BUCKET + "?delete")).isEqualTo(2);
    assertThat(setup.list(key("del/"), ListOptions.recursive()).hasNext()).isFalse();
  }
}
