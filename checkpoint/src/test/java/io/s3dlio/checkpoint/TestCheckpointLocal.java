package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;

/** The checkpoint API on file://. */
class TestCheckpointLocal extends AbstractCheckpointStoreTest {
  @Override
  protected ObjectStore store() {
    return TestStores.local();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.localRoot();
  }
}
