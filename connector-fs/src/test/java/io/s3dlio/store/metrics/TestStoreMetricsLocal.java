package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Store metrics and the operation log on local disk ({@code file://}: no parts, one directory read per listing). */
class TestStoreMetricsLocal extends AbstractStoreMetricsTest {
  @Override
  protected ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.FILE;
  }

  @Override
  protected StoreConfig config() {
    return StoreConfig.EMPTY;
  }

  @Override
  protected ObjectUri root() throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "metrics-tests").toAbsolutePath());
    return ObjectUri.local(ObjectUri.Scheme.FILE, dir + "/");
  }

  @Override
  protected int partSize() {
    return 0;
  }

  @Override
  protected StoreConfig wrongCredentials(StoreConfig good) {
    return null;
  }

  @Override
  protected List<String> secrets() {
    return List.of();
  }

  @Override
  protected long expectedListPages(int n, int pageSize) {
    return 1; // one directory read
  }
}
