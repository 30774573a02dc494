package io.s3dlio.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.WriteOptions;
import io.s3dlio.store.gcs.GcsStoreConfig;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What gs:// sends differently from s3://, observed on the wire through {@link FaultProxy} in front
 * of S3Proxy (the XML API stand-in).
 */
class TestGcsXmlApi {
  private static final String BUCKET = "gcs-specific";
  private static S3ProxyServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final String prefix = "t-" + UUID.randomUUID() + "/";

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.get();
    server.createBucket(BUCKET);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private ObjectUri key(String name) {
    return ObjectUri.parse("gs://" + BUCKET + "/" + prefix + name);
  }

  private FaultProxy proxy() {
    FaultProxy p = FaultProxy.start(server.endpoint());
    toClose.add(p);
    return p;
  }

  private ObjectStore open(StoreConfig c) throws IOException {
    ObjectStore s = ObjectStores.open(ObjectUri.Scheme.GS, c);
    toClose.add(s);
    return s;
  }

  private static long count(FaultProxy p, String needle) {
    String n = needle.toLowerCase(Locale.ROOT);
    return p.requestHeads().stream().filter(h -> h.toLowerCase(Locale.ROOT).contains(n)).count();
  }

  @Test
  void defaultsMatchTheXmlApi() {
    var c = GcsStoreConfig.from(StoreConfig.of(Map.of("gcs.access-key", "GOOG1EXAMPLE", "gcs.secret-key", "hmac-secret")));
    assertThat(c.scheme()).isEqualTo(ObjectUri.Scheme.GS);
    assertThat(c.endpoint()).isEqualTo(URI.create("https://storage.googleapis.com"));
    assertThat(c.region()).isEqualTo("auto");
    assertThat(c.pathStyle()).isTrue();
    assertThat(c.checksumCalculation()).isEqualTo(io.s3dlio.store.s3.S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
    assertThat(c.checksumValidation()).isEqualTo(io.s3dlio.store.s3.S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
    assertThat(c.bulkDelete()).isFalse();
    assertThat(c.deleteParallelism()).isEqualTo(16);
    assertThat(c.toString()).doesNotContain("hmac-secret");
    var tuned = GcsStoreConfig.from(StoreConfig.of(Map.of("gcs.access-key", "a", "gcs.secret-key", "b",
        "gcs.max-connections", "7", "gcs.delete-parallelism", "3", "s3.max-connections", "99")));
    assertThat(tuned.maxConnections()).isEqualTo(7);
    assertThat(tuned.deleteParallelism()).isEqualTo(3);
  }

  @Test
  void hmacKeysAreRequired() {
    assertThatThrownBy(() -> ObjectStores.open(ObjectUri.Scheme.GS, StoreConfig.of(Map.of("gcs.access-key", "a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open a gs:// store: set gcs.access-key and gcs.secret-key (an HMAC key for GCS's XML API)");
  }

  @Test
  void requestsAreSignedForRegionAutoWithoutFlexibleChecksums() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(server.gcsStoreConfig().with("gcs.endpoint", p.endpoint().toString()));
    store.put(key("a"), new byte[] {1, 2, 3});
    assertThat(store.get(key("a"))).containsExactly(1, 2, 3);
    assertThat(p.requestHeads()).allSatisfy(h -> assertThat(h).contains("/auto/s3/aws4_request"));
    assertThat(p.requestHeads()).allSatisfy(h -> assertThat(h).startsWith(h.substring(0, h.indexOf(' ')) + " /" + BUCKET + "/"));
    assertThat(count(p, "crc32")).isZero();
    assertThat(count(p, "x-amz-trailer")).isZero();
  }

  @Test
  void conditionalCreateSendsGenerationMatchZero() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(server.gcsStoreConfig().with("gcs.endpoint", p.endpoint().toString()));
    assertThat(store.supportsConditionalCreate()).isFalse();
    store.put(key("new"), new byte[] {1}, WriteOptions.createNew());
    store.put(key("plain"), new byte[] {1});
    assertThat(p.requestHeads()).filteredOn(h -> h.startsWith("PUT ") && h.contains("/new "))
        .singleElement().satisfies(h -> assertThat(h.toLowerCase(Locale.ROOT)).contains("x-goog-if-generation-match: 0")
            .doesNotContain("if-none-match"));
    assertThat(p.requestHeads()).filteredOn(h -> h.startsWith("PUT ") && h.contains("/plain "))
        .singleElement().satisfies(h -> assertThat(h.toLowerCase(Locale.ROOT)).doesNotContain("x-goog-if-generation-match"));
  }

  @Test
  void multipartCreateChecksForAnExistingObject() throws IOException {
    ObjectStore store = open(server.gcsStoreConfig().with("gcs.part-size", "5m"));
    ObjectUri uri = key("exists.bin");
    store.put(uri, new byte[] {1});
    byte[] big = new byte[11 << 20];
    new Random(1).nextBytes(big);
    assertThatThrownBy(() -> {
      try (ObjectWriter w = store.openWriter(uri, WriteOptions.createNew())) {
        w.write(big);
      }
    }).isInstanceOf(FileAlreadyExistsException.class).hasMessage("write " + uri + ": an object already exists");
    assertThat(store.get(uri)).containsExactly(1);
    ObjectUri fresh = key("fresh.bin");
    try (ObjectWriter w = store.openWriter(fresh, WriteOptions.createNew())) {
      w.write(big);
    }
    assertThat(store.get(fresh)).isEqualTo(big);
  }

  @Test
  void deleteAllDeletesOneByOne() throws IOException {
    FaultProxy p = proxy();
    ObjectStore store = open(server.gcsStoreConfig().with(Map.of("gcs.endpoint", p.endpoint().toString(),
        "gcs.delete-parallelism", "4")));
    List<ObjectUri> uris = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      uris.add(key("d/" + i));
      store.put(uris.get(i), new byte[] {(byte) i});
    }
    uris.add(key("d/missing"));
    assertThat(store.bulkDeletePageSize()).isEqualTo(1);
    p.reset();
    assertThat(store.deleteAll(uris)).isEmpty();
    assertThat(count(p, "?delete")).isZero();
    assertThat(p.requestHeads()).filteredOn(h -> h.startsWith("DELETE ")).hasSize(26);
    assertThat(store.list(key("d/"), io.s3dlio.store.ListOptions.recursive()).hasNext()).isFalse();
  }
}
