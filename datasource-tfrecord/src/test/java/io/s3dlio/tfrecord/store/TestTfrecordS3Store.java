package io.s3dlio.tfrecord.store;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.S3ProxyServer;

/** The store suite on a real S3 server (S3Proxy, run as its own process). */
class TestTfrecordS3Store extends AbstractTfrecordStoreTest {
  private static final String BUCKET = "tfrecord-tests";

  @Override
  protected StoreConfig config() {
    return S3ProxyServer.get().storeConfig().with("s3.max-retries", "1");
  }

  @Override
  protected String testRoot() {
    S3ProxyServer.get().createBucket(BUCKET);
    return "s3://" + BUCKET + "/";
  }
}
