package io.s3dlio.store.local;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStoreProvider;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;

/** {@code file://}: local files through the page cache, with posix_fadvise hints. */
public final class LocalStoreProvider implements ObjectStoreProvider {
  @Override
  public ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.FILE;
  }

  @Override
  public ObjectStore create(StoreConfig config) {
    return new LocalObjectStore(ObjectUri.Scheme.FILE, LocalStoreConfig.from(config));
  }
}
