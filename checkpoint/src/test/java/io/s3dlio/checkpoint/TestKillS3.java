package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;

/** SIGKILLed saves on S3Proxy (5 MiB parts: the larger shards are multipart uploads). */
class TestKillS3 extends AbstractKillTest {
  @Override
  protected ObjectStore store() {
    return TestStores.s3();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.s3Root();
  }

  @Override
  protected int maxDelayMs() {
    return 3000;   // saves through S3Proxy take longer
  }

  @Override
  protected StoreConfig childConfig() {
    return TestStores.s3Config();
  }
}
