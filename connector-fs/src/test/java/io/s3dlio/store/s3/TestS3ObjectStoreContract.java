package io.s3dlio.store.s3;

import io.s3dlio.store.AbstractObjectStoreContractTest;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;

/** The object-store contract for s3:// against S3Proxy (CRC32C checksums on, the default). */
class TestS3ObjectStoreContract extends AbstractObjectStoreContractTest {
  static final String BUCKET = "contract";

  @Override
  protected ObjectStore createStore() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.S3, S3ProxyServer.get().storeConfig());
  }

  @Override
  protected ObjectUri testRoot() {
    S3ProxyServer.get().createBucket(BUCKET);
    return ObjectUri.parse("s3://" + BUCKET + "/");
  }
}
