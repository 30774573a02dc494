package io.s3dlio.checkpoint;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;

/** Faults on S3Proxy; 5 MiB parts, so the part-upload fault hits a multipart upload mid-way. */
class TestFaultsS3 extends AbstractFaultTest {
  @Override
  protected ObjectStore store() {
    return TestStores.s3();
  }

  @Override
  protected ObjectUri freshRoot() {
    return TestStores.s3Root();
  }
}
