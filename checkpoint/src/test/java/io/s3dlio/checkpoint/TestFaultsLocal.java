package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;

/** Faults at every step of a save on file://. */
class TestFaultsLocal extends AbstractFaultTest {
  @Override
  protected ObjectStore store() {
    return TestStores.local();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.localRoot();
  }
}
