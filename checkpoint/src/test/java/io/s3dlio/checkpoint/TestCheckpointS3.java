package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;

/** The checkpoint API on the S3 test server (S3Proxy), 5 MiB parts so that shards go multipart. */
class TestCheckpointS3 extends AbstractCheckpointStoreTest {
  @Override
  protected ObjectStore store() {
    return TestStores.s3();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.s3Root();
  }
}
