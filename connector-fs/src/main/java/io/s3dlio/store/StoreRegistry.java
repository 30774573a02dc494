package io.s3dlio.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Opens at most one {@link ObjectStore} per scheme, on first use, and closes them all at the end.
 * Thread-safe. Use one per process or per job (the CLI, a Spark executor) so that HTTP connection
 * pools are shared.
 */
public final class StoreRegistry implements AutoCloseable {
  private final StoreConfig config;
  private final Map<ObjectUri.Scheme, ObjectStore> stores = new EnumMap<>(ObjectUri.Scheme.class);
  private boolean closed;

  public StoreRegistry(StoreConfig config) {
    this.config = config;
  }

  public StoreConfig config() {
    return config;
  }

  /** The store serving {@code uri}'s scheme, opened on first use. */
  public synchronized ObjectStore storeFor(ObjectUri uri) throws IOException {
    if (closed) {
      throw new IOException("Cannot open a store for " + uri + ": the registry is closed");
    }
    ObjectStore s = stores.get(uri.scheme());
    if (s == null) {
      s = ObjectStores.open(uri.scheme(), config);
      stores.put(uri.scheme(), s);
    }
    return s;
  }

  /** {@link #storeFor(ObjectUri)} for callers that cannot throw checked exceptions. */
  public ObjectStore storeForUnchecked(ObjectUri uri) {
    try {
      return storeFor(uri);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    IOException first = null;
    for (ObjectStore s : stores.values()) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    stores.clear();
    if (first != null) {
      throw first;
    }
  }
}
