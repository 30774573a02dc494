package io.s3dlio.store.s3;

import io.s3dlio.store.AbstractObjectStoreContractTest;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;

/**
 * The object-store contract for gs:// through the GCS XML API settings, with S3Proxy standing in
 * for the XML API (no GCS server runs here; see docs/gcs.md for what this does not cover).
 */
class TestGcsXmlApiContract extends AbstractObjectStoreContractTest {
  static final String BUCKET = "gcs-contract";

  @Override
  protected ObjectStore createStore() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.GS, S3ProxyServer.get().gcsStoreConfig());
  }

  @Override
  protected ObjectUri testRoot() {
    S3ProxyServer.get().createBucket(BUCKET);
    return ObjectUri.parse("gs://" + BUCKET + "/");
  }
}
