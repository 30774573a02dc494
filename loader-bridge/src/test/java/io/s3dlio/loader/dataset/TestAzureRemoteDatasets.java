package io.s3dlio.loader.dataset;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;

/** The remote dataset suite on Azure Blob (Azurite, started by the test). */
class TestAzureRemoteDatasets extends RemoteDatasetsTestBase {
  private static final String CONTAINER = "loader-datasets";

  @Override
  StoreConfig config() {
    AzuriteServer.get().createContainer(CONTAINER);
    return AzuriteServer.get().storeConfig();
  }

  @Override
  ObjectUri freshRoot() {
    return ObjectUri.parse("az://" + AzuriteServer.get().account() + "/" + CONTAINER + "/" + fresh());
  }
}
