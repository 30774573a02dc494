package io.s3dlio.fs;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.config.ConfigCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Resolves the settings of one FileSystem instance, once, at initialize: environment variables,
 * then {@code fs.s3dlio.<key>}, then {@code fs.s3dlio.bucket.<bucket>.<key>} (see {@link FsConstants}).
 * Secret keys are read through {@link Configuration#getPassword} so that Hadoop credential
 * providers work; values are never logged.
 */
final class FsConfig {
  private final StoreConfig store;

  private FsConfig(StoreConfig store) {
    this.store = store;
  }

  /**
   * The store keys that hold credentials (the keys of type secret, and their earlier names). Each is read with {@link Configuration#getPassword}, so a
   * Hadoop credential provider ({@code hadoop.security.credential.provider.path}, e.g. a JCEKS file)
   * supplies it even when the Configuration has no such key; per-bucket forms
   * ({@code fs.s3dlio.bucket.<bucket>.<key>}) too.
   */
  static final List<String> CREDENTIAL_KEYS = ConfigCatalog.secretKeys();

  static FsConfig resolve(Configuration conf, String bucket) throws java.io.IOException {
    Map<String, String> m = new HashMap<>();
    String bucketPrefix = "bucket." + bucket + ".";
    Map<String, String> all = conf.getPropsWithPrefix(FsConstants.PREFIX);
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (!e.getKey().startsWith("bucket.")) {
        m.put(e.getKey(), e.getValue());
      }
    }
    credentials(conf, "", m);
    if (bucket != null && !bucket.isEmpty()) {
      for (Map.Entry<String, String> e : all.entrySet()) {
        if (e.getKey().startsWith(bucketPrefix) && e.getKey().length() > bucketPrefix.length()) {
          m.put(e.getKey().substring(bucketPrefix.length()), e.getValue());
        }
      }
      credentials(conf, bucketPrefix, m);
    }
    return new FsConfig(StoreConfig.fromEnvironment().with(m));
  }

  /** Lays the credential keys found through getPassword (providers, then the Configuration) over {@code m}. */
  private static void credentials(Configuration conf, String infix, Map<String, String> m) throws java.io.IOException {
    for (String key : CREDENTIAL_KEYS) {
      char[] p = conf.getPassword(FsConstants.PREFIX + infix + key);
      if (p != null && p.length > 0) {
        m.put(key, new String(p));
      }
    }
  }

  /** Settings passed to the object store (FileSystem keys included; stores ignore them). */
  StoreConfig storeConfig() {
    return store;
  }

  private String key(String fullKey) {
    return fullKey.substring(FsConstants.PREFIX.length());
  }

  String get(String fullKey, String def) {
    return store.get(key(fullKey), def);
  }

  long bytes(String fullKey, long def) {
    return store.getBytes(key(fullKey), def);
  }

  int integer(String fullKey, int def) {
    return store.getInt(key(fullKey), def);
  }
}
