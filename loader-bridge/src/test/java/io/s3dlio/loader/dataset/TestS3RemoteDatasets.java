package io.s3dlio.loader.dataset;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.S3ProxyServer;

/** The remote dataset suite on S3 (S3Proxy, started by the test). */
class TestS3RemoteDatasets extends RemoteDatasetsTestBase {
  private static final String BUCKET = "loader-datasets";

  @Override
  StoreConfig config() {
    S3ProxyServer.get().createBucket(BUCKET);
    return S3ProxyServer.get().storeConfig();
  }

  @Override
  ObjectUri freshRoot() {
    return ObjectUri.parse("s3://" + BUCKET + "/" + fresh());
  }
}
