package io.s3dlio.store;

import io.s3dlio.store.config.ConfigCatalog;
import io.s3dlio.store.config.Values;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settings of the object stores: an immutable map of string keys (for example
 * {@code s3.endpoint}, {@code azure.secret-connection-string}) with typed accessors.
 *
 * <p>{@link #fromEnvironment()} maps the standard environment variables ({@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE},
 * {@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_ACCOUNT}, {@code AZURE_STORAGE_KEY},
 * {@code AZURE_STORAGE_SAS_TOKEN}) and the knobs of the original s3dlio ({@code S3DLIO_MAX_HTTP_CONNECTIONS},
 * {@code S3DLIO_RT_THREADS}, {@code S3DLIO_RANGE_CONCURRENCY}, {@code S3DLIO_RANGE_PART_SIZE}, {@code S3DLIO_OPLOG},
 * {@code S3DLIO_OPLOG_LEVEL}, {@code S3DLIO_OPLOG_BUF}, {@code S3DLIO_OPLOG_LOSSLESS}, {@code S3DLIO_METRICS};
 * see {@code docs/observability.md}) onto these keys, and any key can be set as
 * {@code S3DLIO_<KEY>} ({@link #envOf}: {@code S3DLIO_S3_CHECKSUM_CALCULATION} for
 * {@code s3.checksum-calculation}), which wins over the standard variables. The keys themselves are documented by each
 * {@link StoreKeys} (and the other modules' {@link io.s3dlio.store.config.ConfigKeySource}s), from which
 * {@code docs/configuration.md} is generated. Earlier key names are still read, with a warning.
 *
 * <p>{@link #toString()} never prints values of keys that hold secrets.
 */
public final class StoreConfig {
  /**
   * Threads of the I/O pool: the Hadoop FileSystem's pool of vectored reads and rename copies
   * ({@code fs.s3dlio.threads}). Environment: {@code S3DLIO_RT_THREADS}.
   */
  public static final String THREADS = "threads";

  /**
   * Concurrent ranged GETs of one large object downloaded to a local file ({@code s3dlio get},
   * {@code s3dlio cp}: {@link ParallelDownload}); environment {@code S3DLIO_RANGE_CONCURRENCY}.
   */
  public static final String RANGE_CONCURRENCY = StoreKeys.RANGE_CONCURRENCY.name();

  /** Bytes per ranged GET of those downloads; environment {@code S3DLIO_RANGE_PART_SIZE}. */
  public static final String RANGE_PART_SIZE = StoreKeys.RANGE_PART_SIZE.name();

  public static final StoreConfig EMPTY = new StoreConfig(Map.of());

  private final Map<String, String> values;

  /** Earlier key names are replaced by their keys here, each logged once ({@link ConfigCatalog#applyRenames}). */
  private StoreConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(ConfigCatalog.applyRenames(values)));
  }

  public static StoreConfig of(Map<String, String> values) {
    return new StoreConfig(values);
  }

  /** Settings taken from the process environment (see the class comment). */
  public static StoreConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static StoreConfig fromEnvironment(Map<String, String> env) {
    Map<String, String> m = new TreeMap<>();
    ConfigCatalog.envKeys().forEach((var, keys) -> {
      String v = env.get(var);
      if (v != null && !v.isEmpty()) {
        keys.forEach(k -> m.put(k, v));
      }
    });
    // S3DLIO_<KEY> after the standard variables, so that it wins over them
    env.forEach((var, v) -> {
      String key = keyOfEnv(var);
      if (key != null && v != null && !v.isEmpty()) {
        m.put(key, v);
      }
    });
    return new StoreConfig(m);
  }

  /**
   * The environment variable of a store key: {@code S3DLIO_} then the key upper-cased with '.' and
   * '-' as '_' ({@code s3.checksum-calculation} is {@code S3DLIO_S3_CHECKSUM_CALCULATION}).
   */
  public static String envOf(String key) {
    return ConfigCatalog.envOf(key);
  }

  /** The store key of an {@code S3DLIO_<BACKEND>_<NAME>} variable, or null for any other variable. */
  static String keyOfEnv(String var) {
    return ConfigCatalog.keyOfEnv(var);
  }

  /** A copy with {@code overrides} laid over these settings. */
  public StoreConfig with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(values);
    m.putAll(overrides);
    return new StoreConfig(m);
  }

  public StoreConfig with(String key, String value) {
    return with(Map.of(key, value));
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public String get(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + v + "' is not an integer", e);
    }
  }

  /** A size; accepts plain bytes or a suffix k, m, g (binary multiples), e.g. {@code 8m}. */
  public long getBytes(String key, long defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    return parseBytes(key, v);
  }

  /** A duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain milliseconds. */
  public java.time.Duration getDuration(String key, java.time.Duration defaultValue) {
    String v = values.get(key);
    return v == null ? defaultValue : parseDuration(key, v);
  }

  /** Parses a duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain milliseconds. */
  public static java.time.Duration parseDuration(String key, String value) {
    return Values.parseDuration(key, value);
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    String t = v.trim().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new IllegalArgumentException("Cannot read setting " + key + ": '" + v + "' is not true or false");
  }

  /** All settings whose key starts with {@code prefix}. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** A size in bytes: plain, or with a suffix k, m, g, t (binary multiples); {@code key} names it in errors. */
  public static long parseBytes(String key, String v) {
    return Values.parseBytes(key, v);
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret") || k.contains("key") && !k.endsWith("-id") || k.contains("token")
        || k.contains("password") || k.contains("connection-string") || k.contains("sas");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("StoreConfig{");
    values.forEach((k, v) -> sb.append(sb.length() > 12 ? ", " : "").append(k).append('=')
        .append(isSecret(k) ? "****" : v));
    return sb.append('}').toString();
  }
}
