package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.S3ProxyServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** SIGKILLed saves on S3Proxy (5 MiB parts: the larger shards are multipart uploads). */
class TestKillS3 extends AbstractKillTest {
  private static ObjectStore store;

  @BeforeAll
  static void open() throws Exception {
    S3ProxyServer.get().createBucket(TestCheckpointS3.BUCKET);
    store = ObjectStores.open(ObjectUri.Scheme.S3, childConfig0());
  }

  private static StoreConfig childConfig0() {
    return S3ProxyServer.get().storeConfig().with("s3.part-size", "5m");
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
    return ObjectUri.parse("s3://" + TestCheckpointS3.BUCKET + "/" + UUID.randomUUID() + "/");
  }

  @Override
  protected int maxDelayMs() {
    return 3000;   // saves through S3Proxy take longer
  }

  @Override
  protected StoreConfig childConfig() {
    return childConfig0();
  }
}
