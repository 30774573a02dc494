package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;

/** SIGKILLed saves on file://. */
class TestKillLocal extends AbstractKillTest {
  @Override
  protected ObjectStore store() {
    return TestStores.local();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.localRoot();
  }

  @Override
  protected StoreConfig childConfig() {
    return StoreConfig.EMPTY;
  }
}
