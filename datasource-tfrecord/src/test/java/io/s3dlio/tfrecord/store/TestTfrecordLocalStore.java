package io.s3dlio.tfrecord.store;

import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The store suite on local files (file://). */
class TestTfrecordLocalStore extends AbstractTfrecordStoreTest {
  @Override
  protected StoreConfig config() {
    return StoreConfig.EMPTY;
  }

  @Override
  protected String testRoot() throws IOException {
    return "file://" + Files.createDirectories(Path.of("target", "tfrecord-store-tests").toAbsolutePath()) + "/";
  }
}
