package io.s3dlio.store;

import io.s3dlio.store.metrics.MeteredObjectStore;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens the {@link ObjectStore} that serves a URI's scheme, wrapped in a
 * {@link MeteredObjectStore} (latency histograms, operation log) unless the settings switch both
 * off (see {@link io.s3dlio.store.metrics.MetricsKeys}).
 */
public final class ObjectStores {
  private ObjectStores() {
  }

  /** A new store for {@code scheme}; the caller closes it. */
  public static ObjectStore open(ObjectUri.Scheme scheme, StoreConfig config) throws IOException {
    ObjectStoreProvider provider = providers().get(scheme);
    if (provider == null) {
      throw new IOException("Cannot open a store for " + scheme.id() + "://: no backend for this scheme on the classpath");
    }
    return MeteredObjectStore.wrap(provider.create(config), config);
  }

  /** A new store for the scheme of {@code uri}; the caller closes it. */
  public static ObjectStore open(ObjectUri uri, StoreConfig config) throws IOException {
    return open(uri.scheme(), config);
  }

  private static Map<ObjectUri.Scheme, ObjectStoreProvider> providers() {
    Map<ObjectUri.Scheme, ObjectStoreProvider> m = new EnumMap<>(ObjectUri.Scheme.class);
    for (ObjectStoreProvider p : ServiceLoader.load(ObjectStoreProvider.class, ObjectStores.class.getClassLoader())) {
      m.putIfAbsent(p.scheme(), p);
    }
    return m;
  }
}
