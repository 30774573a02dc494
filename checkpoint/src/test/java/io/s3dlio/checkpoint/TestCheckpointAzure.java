package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.AzuriteServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The checkpoint API on Azurite (Azure's If-None-Match: * is the commit). */
class TestCheckpointAzure extends AbstractCheckpointStoreTest {
  static final String CONTAINER = "checkpoints";
  private static ObjectStore store;

  @BeforeAll
  static void open() throws Exception {
    AzuriteServer.get().createContainer(CONTAINER);
    store = ObjectStores.open(ObjectUri.Scheme.AZ, AzuriteServer.get().storeConfig());
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
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/" + UUID.randomUUID() + "/");
  }
}
