package io.s3dlio.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link StoreRegistry}s shared by everything in one JVM that uses the same settings (the tasks of
 * a Spark executor), so that they share connection pools. The cache is keyed by a SHA-256
 * fingerprint of the settings, never by the settings themselves (which hold secrets), holds at most
 * {@value #MAX_REGISTRIES} registries, and closes the least recently used one when a new one would
 * exceed that. Thread-safe.
 *
 * <p>Settings should be resolved where the store is used (on the executor: its own environment,
 * Hadoop configuration and credential providers), not shipped from the driver; see
 * {@code docs/hadoop-fs.md}, "Credentials".
 */
public final class SharedStores {
  /** Most registries held at once. */
  public static final int MAX_REGISTRIES = 16;

  private static final Map<String, StoreRegistry> CACHE = new LinkedHashMap<>(16, 0.75f, true);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SharedStores::closeAll, "s3dlio-shared-stores-close"));
  }

  private SharedStores() {
  }

  /** The registry of {@code config}, made on first use. */
  public static StoreRegistry registry(StoreConfig config) {
    String key = fingerprint(config);
    StoreRegistry evicted = null;
    StoreRegistry r;
    synchronized (CACHE) {
      r = CACHE.get(key);
      if (r == null) {
        r = new StoreRegistry(config);
        CACHE.put(key, r);
        if (CACHE.size() > MAX_REGISTRIES) {
          String eldest = CACHE.keySet().iterator().next();
          evicted = CACHE.remove(eldest);
        }
      }
    }
    if (evicted != null) {
      closeQuietly(evicted);
    }
    return r;
  }

  /** The store serving {@code uri} with {@code config}. */
  public static ObjectStore store(StoreConfig config, ObjectUri uri) throws IOException {
    return registry(config).storeFor(uri);
  }

  /** How many registries are held (for tests). */
  static int size() {
    synchronized (CACHE) {
      return CACHE.size();
    }
  }

  /** SHA-256 of the sorted settings: equal settings, equal key; no secret can be read back from it. */
  static String fingerprint(StoreConfig config) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      config.withPrefix("").forEach((k, v) -> {
        md.update(k.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(v.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      });
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static void closeAll() {
    synchronized (CACHE) {
      CACHE.values().forEach(SharedStores::closeQuietly);
      CACHE.clear();
    }
  }

  private static void closeQuietly(StoreRegistry r) {
    try {
      r.close();
    } catch (IOException | RuntimeException ignored) {
      // closing a cache entry
    }
  }
}
