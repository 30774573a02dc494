package io.s3dlio.store.azure;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStoreProvider;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;

/**
 * The Azure Blob backend, for {@code az://account/container/path}. Settings: {@link AzureStoreConfig}
 * ({@code azure.*}); see also {@code docs/azure.md}.
 */
public final class AzureStoreProvider implements ObjectStoreProvider {

  @Override
  public ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.AZ;
  }

  @Override
  public ObjectStore create(StoreConfig config) {
    return new AzureObjectStore(new AzureStoreConfig(config));
  }
}
