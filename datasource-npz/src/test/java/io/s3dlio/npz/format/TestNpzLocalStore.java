package io.s3dlio.npz.format;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class TestNpzLocalStore extends AbstractNpzStoreTest {
  @TempDir
  Path dir;
  private ObjectStore store;

  @Override
  protected ObjectStore store() throws Exception {
    if (store == null) {
      store = ObjectStores.open(ObjectUri.Scheme.FILE, StoreConfig.EMPTY);
    }
    return store;
  }

  @Override
  protected ObjectUri testRoot() {
    return ObjectUri.local(ObjectUri.Scheme.FILE, dir.toString() + "/");
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }
}
