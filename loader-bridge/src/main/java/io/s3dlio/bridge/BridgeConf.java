package io.s3dlio.bridge;

import io.s3dlio.bridge.arrow.TensorSpec;
import io.s3dlio.bridge.plan.Tail;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;

/**
 * The settings of one feed, resolved on the driver (option, then Spark conf
 * {@code spark.s3dlio.bridge.<key>}, then default). One typed method per setting.
 */
public final class BridgeConf {
  private final Map<String, String> options;
  private final SparkConf sparkConf;

  BridgeConf(Map<String, String> options, SparkConf sparkConf) {
    this.options = new TreeMap<>(options);
    this.sparkConf = sparkConf;
  }

  private String raw(String key) {
    String v = options.get(key);
    if (v == null && sparkConf != null) {
      v = sparkConf.get(BridgeOptions.SESSION_CONF_PREFIX + key, null);
    }
    return v == null ? null : v.trim();
  }

  private String string(String key, String dflt) {
    String v = raw(key);
    return v == null || v.isEmpty() ? dflt : v;
  }

  private long number(String key, Long dflt, long min, long max) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      if (dflt == null) {
        throw new IllegalArgumentException("Cannot start the feed: option " + key + " is required");
      }
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot start the feed: option " + key + " = '" + v + "' is not a number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "Cannot start the feed: option " + key + " = " + n + " is outside [" + min + ", " + max + "]");
    }
    return n;
  }

  /** Parses {@code 250ms}, {@code 30s}, {@code 5m} or a number of seconds. */
  static Duration duration(String key, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1).trim()) * 1000));
      }
      if (s.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot start the feed: option " + key + " = '" + v
          + "' is not a duration (e.g. 500ms, 30s, 2m)");
    }
  }

  public String address() {
    return string(BridgeOptions.ADDRESS, BridgeOptions.DEFAULT_ADDRESS);
  }

  public int port() {
    return (int) number(BridgeOptions.PORT, (long) BridgeOptions.DEFAULT_PORT, 0, 65535);
  }

  public int worldSize() {
    return (int) number(BridgeOptions.WORLD_SIZE, null, 1, 65536);
  }

  public int batchSize() {
    return (int) number(BridgeOptions.BATCH_SIZE, null, 1, 1 << 24);
  }

  public long seed() {
    return number(BridgeOptions.SEED, BridgeOptions.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public int blockPartitions() {
    return (int) number(BridgeOptions.BLOCK_PARTITIONS, (long) BridgeOptions.DEFAULT_BLOCK_PARTITIONS, 1, 1 << 20);
  }

  public int prefetchBlocks() {
    return (int) number(BridgeOptions.PREFETCH_BLOCKS, (long) BridgeOptions.DEFAULT_PREFETCH_BLOCKS, 1, 1024);
  }

  public Tail tail() {
    return Tail.parse(string(BridgeOptions.TAIL, BridgeOptions.DEFAULT_TAIL));
  }

  public int maxCredits() {
    return (int) number(BridgeOptions.MAX_CREDITS, (long) BridgeOptions.DEFAULT_MAX_CREDITS, 1, 4096);
  }

  public Duration reconnectTimeout() {
    return duration(BridgeOptions.RECONNECT_TIMEOUT,
        string(BridgeOptions.RECONNECT_TIMEOUT, BridgeOptions.DEFAULT_RECONNECT_TIMEOUT));
  }

  public Duration handshakeTimeout() {
    return duration(BridgeOptions.HANDSHAKE_TIMEOUT,
        string(BridgeOptions.HANDSHAKE_TIMEOUT, BridgeOptions.DEFAULT_HANDSHAKE_TIMEOUT));
  }

  /** {@code auto}, {@code tcp} or {@code off}: see {@link BridgeOptions#UPLOAD}. */
  public String upload() {
    String v = string(BridgeOptions.UPLOAD, BridgeOptions.DEFAULT_UPLOAD).toLowerCase(Locale.ROOT);
    if (!v.equals("auto") && !v.equals("tcp") && !v.equals("off")) {
      throw new IllegalArgumentException("Cannot start the feed: option " + BridgeOptions.UPLOAD + " = '" + v
          + "' is not auto, tcp or off");
    }
    return v;
  }

  /** The upload address given, or null. */
  public String uploadAddress() {
    return string(BridgeOptions.UPLOAD_ADDRESS, null);
  }

  public int uploadPort() {
    return (int) number(BridgeOptions.UPLOAD_PORT, (long) BridgeKeys.UPLOAD_PORT.intDefault(), 0, 65535);
  }

  /** Tensor declarations by column name, from the feed's options and the session conf. */
  public Map<String, TensorSpec> tensors() {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    if (sparkConf != null) {
      for (scala.Tuple2<String, String> kv : sparkConf.getAllWithPrefix(
          BridgeOptions.SESSION_CONF_PREFIX + BridgeOptions.TENSOR_PREFIX)) {
        out.put(kv._1(), TensorSpec.parse(kv._1(), kv._2()));
      }
    }
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().startsWith(BridgeOptions.TENSOR_PREFIX)) {
        String column = e.getKey().substring(BridgeOptions.TENSOR_PREFIX.length());
        out.put(column, TensorSpec.parse(column, e.getValue()));
      }
    }
    return out;
  }
}
