package io.s3dlio.store.azure;

import io.s3dlio.store.AbstractObjectStoreContractTest;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.AzuriteServer;
import java.io.IOException;

/**
 * The object-store contract against Azurite, through the ServiceLoader like real callers, with
 * 1 MiB blocks so that the 5 MiB and 100 MiB cases go through staged parallel blocks.
 */
class TestAzureObjectStoreContract extends AbstractObjectStoreContractTest {
  private static final String CONTAINER = "contract";

  @Override
  protected ObjectStore createStore() throws IOException {
    AzuriteServer server = AzuriteServer.get();
    server.createContainer(CONTAINER);
    return ObjectStores.open(ObjectUri.Scheme.AZ, server.storeConfig()
        .with(AzureStoreConfig.BLOCK_SIZE, "1m")
        .with(AzureStoreConfig.UPLOAD_ACTIVE_BLOCKS, "4"));
  }

  @Override
  protected ObjectUri testRoot() {
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/");
  }
}
