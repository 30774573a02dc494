package io.s3dlio.npz.format;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.S3ProxyServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The codec against the real S3 test server (S3Proxy), through the S3 backend. */
class TestNpzS3Store extends AbstractNpzStoreTest {
  static final String BUCKET = "npz-codec";
  private static ObjectStore store;

  @BeforeAll
  static void open() throws Exception {
    S3ProxyServer.get().createBucket(BUCKET);
    store = ObjectStores.open(ObjectUri.Scheme.S3, S3ProxyServer.get().storeConfig());
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected ObjectUri testRoot() {
    return ObjectUri.parse("s3://" + BUCKET + "/" + UUID.randomUUID() + "/");
  }
}
