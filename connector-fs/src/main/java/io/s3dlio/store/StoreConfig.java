package io.s3dlio.store;

import io.s3dlio.store.metrics.MetricsKeys;
import java.util.Collections;
import java.util.List;
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
 * backend's config class and in {@code docs/configuration.md}.
 *
 * <p>{@link #toString()} never prints values of keys that hold secrets.
 */
public final class StoreConfig {
  /**
   * Threads of the I/O pool: the Hadoop FileSystem's pool of vectored reads and rename copies
   * ({@code fs.s3dlio.threads}). Environment: {@code S3DLIO_RT_THREADS}. {@value}.
   */
  public static final String THREADS = "threads";

  /**
   * Concurrent ranged GETs of one large object downloaded to a local file ({@code s3dlio get},
   * {@code s3dlio cp}: {@link ParallelDownload}); environment {@code S3DLIO_RANGE_CONCURRENCY}.
   * Default 8. {@value}.
   */
  public static final String RANGE_CONCURRENCY = "range-concurrency";

  /**
   * Bytes per ranged GET of those downloads ({@link #RANGE_CONCURRENCY}); environment
   * {@code S3DLIO_RANGE_PART_SIZE}. Default {@code 8m}. {@value}.
   */
  public static final String RANGE_PART_SIZE = "range-part-size";

  /** Environment variables and the keys each one sets (standard variables, then s3dlio's own knobs). */
  private static final Map<String, List<String>> ENV_KEYS = Map.ofEntries(
      Map.entry("AWS_ENDPOINT_URL", List.of("s3.endpoint")),
      Map.entry("AWS_REGION", List.of("s3.region")),
      Map.entry("AWS_ACCESS_KEY_ID", List.of("s3.access-key")),
      Map.entry("AWS_SECRET_ACCESS_KEY", List.of("s3.secret-key")),
      Map.entry("AWS_SESSION_TOKEN", List.of("s3.session-token")),
      Map.entry("AWS_PROFILE", List.of("s3.profile")),
      Map.entry("AZURE_STORAGE_CONNECTION_STRING", List.of("azure.secret-connection-string")),
      Map.entry("AZURE_STORAGE_ACCOUNT", List.of("azure.account")),
      Map.entry("AZURE_STORAGE_KEY", List.of("azure.secret-key")),
      Map.entry("AZURE_STORAGE_SAS_TOKEN", List.of("azure.sas-token")),
      Map.entry("S3DLIO_MAX_HTTP_CONNECTIONS", List.of("s3.max-connections", "gcs.max-connections")),
      Map.entry("S3DLIO_RT_THREADS", List.of(THREADS)),
      Map.entry("S3DLIO_RANGE_CONCURRENCY", List.of(RANGE_CONCURRENCY)),
      Map.entry("S3DLIO_RANGE_PART_SIZE", List.of(RANGE_PART_SIZE)),
      Map.entry("S3DLIO_OPLOG", List.of(MetricsKeys.OPLOG_FILE)),
      Map.entry("S3DLIO_OPLOG_LEVEL", List.of(MetricsKeys.OPLOG_ZSTD_LEVEL)),
      Map.entry("S3DLIO_OPLOG_BUF", List.of(MetricsKeys.OPLOG_QUEUE_SIZE)),
      Map.entry("S3DLIO_OPLOG_LOSSLESS", List.of(MetricsKeys.OPLOG_LOSSLESS)),
      Map.entry("S3DLIO_METRICS", List.of(MetricsKeys.METRICS_ENABLED)));

  public static final StoreConfig EMPTY = new StoreConfig(Map.of());

  private final Map<String, String> values;

  private StoreConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
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
    ENV_KEYS.forEach((var, keys) -> {
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

  /** The backends whose keys {@code S3DLIO_<KEY>} variables set. */
  private static final java.util.List<String> ENV_BACKENDS = java.util.List.of("s3", "azure", "gcs", "local", "direct");

  /**
   * The environment variable of a store key: {@code S3DLIO_} then the key upper-cased with '.' and
   * '-' as '_' ({@code s3.checksum-calculation} is {@code S3DLIO_S3_CHECKSUM_CALCULATION}).
   */
  public static String envOf(String key) {
    return "S3DLIO_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The store key of an {@code S3DLIO_<BACKEND>_<NAME>} variable, or null for any other variable:
   * the backend ({@code S3}, {@code AZURE}, {@code GCS}, {@code LOCAL}, {@code DIRECT}) lower-cased,
   * a '.', then the name lower-cased with '_' as '-' (store keys have no '_' and one '.').
   */
  static String keyOfEnv(String var) {
    if (!var.startsWith("S3DLIO_")) {
      return null;
    }
    String rest = var.substring("S3DLIO_".length()).toLowerCase(Locale.ROOT);
    for (String backend : ENV_BACKENDS) {
      if (rest.startsWith(backend + "_") && rest.length() > backend.length() + 1) {
        return backend + "." + rest.substring(backend.length() + 1).replace('_', '-');
      }
    }
    return null;
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
    String t = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return java.time.Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      }
      char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
      String n = t.substring(0, Math.max(0, t.length() - 1)).trim();
      switch (unit) {
        case 's':
          return java.time.Duration.ofSeconds(Long.parseLong(n));
        case 'm':
          return java.time.Duration.ofMinutes(Long.parseLong(n));
        case 'h':
          return java.time.Duration.ofHours(Long.parseLong(n));
        default:
          return java.time.Duration.ofMillis(Long.parseLong(t));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + value
          + "' is not a duration (e.g. 500ms, 10s, 2m)", e);
    }
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
    String t = v.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty()) {
      char c = t.charAt(t.length() - 1);
      if (c == 'k' || c == 'm' || c == 'g' || c == 't') {
        mult = c == 'k' ? 1L << 10 : c == 'm' ? 1L << 20 : c == 'g' ? 1L << 30 : 1L << 40;
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(t.trim()), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + v + "' is not a size", e);
    }
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
