package io.s3dlio.store;

import java.io.IOException;

/**
 * Makes the {@link ObjectStore} of one scheme. Implementations are found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/io.s3dlio.store.ObjectStoreProvider}),
 * so a backend's SDK is loaded only when its scheme is used.
 */
public interface ObjectStoreProvider {

  /** The scheme served. */
  ObjectUri.Scheme scheme();

  /** A new store configured from {@code config}; the caller closes it. */
  ObjectStore create(StoreConfig config) throws IOException;
}
