package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The stores the tests run on, one per backend and test JVM, opened on first use: file:// under
 * target/checkpoint-tests, S3Proxy with 5 MiB upload parts (shards above that go multipart), and
 * Azurite. Each test takes a fresh root.
 */
final class TestStores {
  static final String BUCKET = "checkpoints";
  private static ObjectStore local;
  private static ObjectStore s3;
  private static ObjectStore azure;

  private TestStores() {
  }

  private static ObjectStore open(ObjectUri.Scheme scheme, StoreConfig config) {
    try {
      return ObjectStores.open(scheme, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static synchronized ObjectStore local() {
    if (local == null) {
      local = open(ObjectUri.Scheme.FILE, StoreConfig.EMPTY);
    }
    return local;
  }

  static ObjectUri localRoot() {
    return ObjectUri.local(ObjectUri.Scheme.FILE,
        Path.of("target", "checkpoint-tests", UUID.randomUUID().toString()).toAbsolutePath() + "/");
  }

  /** Settings of the S3 test server, 5 MiB parts. */
  static StoreConfig s3Config() {
    return S3ProxyServer.get().storeConfig().with("s3.part-size", "5m");
  }

  static synchronized ObjectStore s3() {
    if (s3 == null) {
      S3ProxyServer.get().createBucket(BUCKET);
      s3 = open(ObjectUri.Scheme.S3, s3Config());
    }
    return s3;
  }

  static ObjectUri s3Root() {
    return ObjectUri.parse("s3://" + BUCKET + "/" + UUID.randomUUID() + "/");
  }

  static synchronized ObjectStore azure() {
    if (azure == null) {
      AzuriteServer.get().createContainer(BUCKET);
      azure = open(ObjectUri.Scheme.AZ, AzuriteServer.get().storeConfig());
    }
    return azure;
  }

  static ObjectUri azureRoot() {
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + BUCKET + "/" + UUID.randomUUID() + "/");
  }
}
