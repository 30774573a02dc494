package io.s3dlio.cli;

import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class TestCliLocal extends AbstractCliTest {
  @Override
  protected StoreConfig config() {
    return StoreConfig.EMPTY;
  }

  @Override
  protected String remoteRoot() throws IOException {
    return "file://" + Files.createDirectories(Path.of("target", "cli-remote").toAbsolutePath()) + "/";
  }
}
