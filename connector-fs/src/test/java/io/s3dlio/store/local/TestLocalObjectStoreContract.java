package io.s3dlio.store.local;

import io.s3dlio.store.AbstractObjectStoreContractTest;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class TestLocalObjectStoreContract extends AbstractObjectStoreContractTest {
  @Override
  protected ObjectStore createStore() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.FILE, StoreConfig.EMPTY);
  }

  @Override
  protected ObjectUri testRoot() throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "local-store-tests").toAbsolutePath());
    return ObjectUri.local(ObjectUri.Scheme.FILE, dir + "/");
  }
}
