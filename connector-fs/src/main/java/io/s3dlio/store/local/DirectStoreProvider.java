package io.s3dlio.store.local;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStoreProvider;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;

/**
 * {@code direct://}: local files read and written with O_DIRECT, bypassing the page cache.
 * Where the filesystem refuses O_DIRECT (tmpfs), operations fail with a message that says so,
 * unless {@code direct.fallback=buffered}.
 */
public final class DirectStoreProvider implements ObjectStoreProvider {
  @Override
  public ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.DIRECT;
  }

  @Override
  public ObjectStore create(StoreConfig config) {
    LocalStoreConfig c = LocalStoreConfig.from(config);
    return new LocalObjectStore(ObjectUri.Scheme.DIRECT, c);
  }
}
