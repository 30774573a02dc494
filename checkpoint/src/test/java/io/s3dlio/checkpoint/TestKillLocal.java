package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class TestKillLocal extends AbstractKillTest {
  @TempDir
  static Path dir;
  private static ObjectStore store;

  @BeforeAll
  static void open() throws Exception {
    store = ObjectStores.open(ObjectUri.Scheme.FILE, StoreConfig.EMPTY);
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
    return ObjectUri.local(ObjectUri.Scheme.FILE, dir.resolve(UUID.randomUUID().toString()) + "/");
  }

  @Override
  protected StoreConfig childConfig() {
    return StoreConfig.EMPTY;
  }
}
