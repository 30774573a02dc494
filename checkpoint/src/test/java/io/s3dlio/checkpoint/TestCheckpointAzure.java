package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;

/** The checkpoint API on Azurite (Azure's If-None-Match: * is the commit). */
class TestCheckpointAzure extends AbstractCheckpointStoreTest {
  @Override
  protected ObjectStore store() {
    return TestStores.azure();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.azureRoot();
  }
}
