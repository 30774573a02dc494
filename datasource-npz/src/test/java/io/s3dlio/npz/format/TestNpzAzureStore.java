package io.s3dlio.npz.format;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.AzuriteServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The codec against Azurite, through the Azure backend: ranged directory and member reads on az://. */
class TestNpzAzureStore extends AbstractNpzStoreTest {
  static final String CONTAINER = "npz-codec";
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
  protected ObjectUri testRoot() {
    return ObjectUri.parse("az://" + AzuriteServer.get().account() + "/" + CONTAINER + "/" + UUID.randomUUID() + "/");
  }
}
