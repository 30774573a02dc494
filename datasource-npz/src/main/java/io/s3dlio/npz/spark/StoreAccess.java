package io.s3dlio.npz.spark;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link StoreRegistry} per JVM (driver or executor) and per distinct store settings, so that
 * the tasks of an executor share connection pools. Closed at JVM exit.
 */
final class StoreAccess {
  private static final Map<Map<String, String>, StoreRegistry> REGISTRIES = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> REGISTRIES.values().forEach(r -> {
      try {
        r.close();
      } catch (IOException | RuntimeException ignored) {
        // exiting
      }
    }), "s3dlio-npz-store-close"));
  }

  private StoreAccess() {
  }

  static ObjectStore store(Map<String, String> settings, ObjectUri uri) throws IOException {
    StoreRegistry r = REGISTRIES.computeIfAbsent(new TreeMap<>(settings),
        s -> new StoreRegistry(StoreConfig.of(s)));
    return r.storeFor(uri);
  }

  /**
   * Store settings on the driver: the environment, then Spark conf {@code spark.s3dlio.*}, then
   * options {@code store.*}.
   */
  static Map<String, String> settings(Map<String, String> sparkConf, Map<String, String> options) {
    Map<String, String> m = new TreeMap<>();
    StoreConfig env = StoreConfig.fromEnvironment();
    m.putAll(env.withPrefix(""));
    sparkConf.forEach((k, v) -> {
      if (k.startsWith(NpzOptions.STORE_CONF_PREFIX)) {
        m.put(k.substring(NpzOptions.STORE_CONF_PREFIX.length()), v);
      }
    });
    options.forEach((k, v) -> {
      if (k.startsWith(NpzOptions.STORE_OPTION_PREFIX)) {
        m.put(k.substring(NpzOptions.STORE_OPTION_PREFIX.length()), v);
      }
    });
    return m;
  }

  /** A path as given by a user: a URI of a known scheme, or an absolute local path. */
  static ObjectUri uri(String path) {
    if (path.startsWith("/")) {
      return ObjectUri.local(ObjectUri.Scheme.FILE, path);
    }
    return ObjectUri.parse(path);
  }
}
