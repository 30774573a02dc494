package io.s3dlio.tfrecord.store;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;

/** The store suite on Azurite (az://): round trips, indexes, key lookup and the CLI. */
class TestTfrecordAzureStore extends AbstractTfrecordStoreTest {
  private static final String CONTAINER = "tfrecord-tests";

  @Override
  protected StoreConfig config() {
    return AzuriteServer.get().storeConfig();
  }

  @Override
  protected String testRoot() {
    AzuriteServer.get().createContainer(CONTAINER);
    return "az://" + AzuriteServer.get().account() + "/" + CONTAINER + "/";
  }
}
