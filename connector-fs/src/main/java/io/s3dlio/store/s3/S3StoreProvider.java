package io.s3dlio.store.s3;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStoreProvider;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.IOException;

/** Serves {@code s3://} with the settings of {@link S3StoreConfig} ({@code s3.*} keys). */
public final class S3StoreProvider implements ObjectStoreProvider {

  @Override
  public ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.S3;
  }

  @Override
  public ObjectStore create(StoreConfig config) throws IOException {
    return open(S3StoreConfig.from(config));
  }

  /**
   * A store over the S3 API with resolved settings: s3://, or another scheme served through an
   * S3-compatible API (gs:// through GCS's XML API).
   */
  public static ObjectStore open(S3StoreConfig config) throws IOException {
    return new S3ObjectStore(config);
  }
}
