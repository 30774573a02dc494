package io.s3dlio.store.local;

import io.s3dlio.store.AbstractObjectStoreContractTest;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** direct:// on the build's own disk (ext4/xfs accept O_DIRECT). */
class TestDirectObjectStoreContract extends AbstractObjectStoreContractTest {
  @Override
  protected ObjectStore createStore() throws IOException {
    // a small buffer so that reads and writes cross many aligned blocks
    return ObjectStores.open(ObjectUri.Scheme.DIRECT, StoreConfig.EMPTY.with("direct.buffer-size", "64k"));
  }

  @Override
  protected ObjectUri testRoot() throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "direct-store-tests").toAbsolutePath());
    return ObjectUri.local(ObjectUri.Scheme.DIRECT, dir + "/");
  }
}
