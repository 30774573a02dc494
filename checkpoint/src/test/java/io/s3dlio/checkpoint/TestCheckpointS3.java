package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.S3ProxyServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The checkpoint API on the S3 test server (S3Proxy), 5 MiB upload parts so shards go multipart. */
class TestCheckpointS3 extends AbstractCheckpointStoreTest {
  static final String BUCKET = "checkpoints";
  private static ObjectStore store;

  @BeforeAll
  static void open() throws Exception {
    S3ProxyServer.get().createBucket(BUCKET);
    store = ObjectStores.open(ObjectUri.Scheme.S3, S3ProxyServer.get().storeConfig().with("s3.part-size", "5m"));
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
  protected ObjectUri freshRoot() {
    return ObjectUri.parse("s3://" + BUCKET + "/" + UUID.randomUUID() + "/");
  }
}
