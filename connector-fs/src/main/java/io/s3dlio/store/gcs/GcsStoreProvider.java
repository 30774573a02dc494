package io.s3dlio.store.gcs;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStoreProvider;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.s3.S3StoreProvider;
import java.io.IOException;

/**
 * Serves {@code gs://} through GCS's S3-compatible XML API, reusing the S3 backend with the
 * settings of {@link GcsStoreConfig}.
 *
 * <p>Tested here against S3Proxy standing in for the XML API (no GCS server runs in this build);
 * what that does and does not cover is in {@code docs/gcs.md}.
 */
public final class GcsStoreProvider implements ObjectStoreProvider {

  @Override
  public ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.GS;
  }

  @Override
  public ObjectStore create(StoreConfig config) throws IOException {
    return S3StoreProvider.open(GcsStoreConfig.from(config));
  }
}
