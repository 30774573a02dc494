package io.s3dlio.fs;

import io.s3dlio.store.StoreConfig;
import java.util.HashMap;
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

  static FsConfig resolve(Configuration conf, String bucket) throws java.io.IOException {
    Map<String, String> m = new HashMap<>();
    String bucketPrefix = "bucket." + bucket + ".";
    Map<String, String> all = conf.getPropsWithPrefix(FsConstants.PREFIX);
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (!e.getKey().startsWith("bucket.")) {
        m.put(e.getKey(), password(conf, FsConstants.PREFIX + e.getKey(), e.getValue()));
      }
    }
    if (bucket != null && !bucket.isEmpty()) {
      for (Map.Entry<String, String> e : all.entrySet()) {
        if (e.getKey().startsWith(bucketPrefix) && e.getKey().length() > bucketPrefix.length()) {
          m.put(e.getKey().substring(bucketPrefix.length()),
              password(conf, FsConstants.PREFIX + e.getKey(), e.getValue()));
        }
      }
    }
    return new FsConfig(StoreConfig.fromEnvironment().with(m));
  }

  private static String password(Configuration conf, String key, String value) throws java.io.IOException {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    if (k.contains("secret") || k.contains("account-key") || k.contains("sas-token") || k.contains("connection-string")) {
      char[] p = conf.getPassword(key);
      return p == null ? value : new String(p);
    }
    return value;
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
