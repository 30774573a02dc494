package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.S3ProxyServer;
import java.util.List;

/** Store metrics and the operation log against S3Proxy, with 5 MiB multipart parts. */
class TestStoreMetricsS3 extends AbstractStoreMetricsTest {
  private static final String BUCKET = "metrics";
  private static final String WRONG_SECRET = "wrong-secret-7f3a9c";

  @Override
  protected ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.S3;
  }

  @Override
  protected StoreConfig config() {
    return S3ProxyServer.get().storeConfig().with("s3.part-size", "5m").with("s3.max-retries", "1");
  }

  @Override
  protected ObjectUri root() {
    S3ProxyServer.get().createBucket(BUCKET);
    return ObjectUri.parse("s3://" + BUCKET + "/");
  }

  @Override
  protected int partSize() {
    return 5 << 20;
  }

  @Override
  protected StoreConfig wrongCredentials(StoreConfig good) {
    return good.with("s3.secret-key", WRONG_SECRET).with("s3.max-retries", "0");
  }

  @Override
  protected List<String> secrets() {
    return List.of(S3ProxyServer.get().secretKey(), WRONG_SECRET);
  }
}
