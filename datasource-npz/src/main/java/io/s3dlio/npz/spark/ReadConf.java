package io.s3dlio.npz.spark;

import io.s3dlio.store.StoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The settings of one read, resolved once on the driver from the options (then the session's
 * {@code spark.s3dlio.*} conf, then the environment). NOT meant to be serialized: executors get
 * the plain values they need through the partitions and the reader factory.
 */
final class ReadConf {
  private final String format;
  private final Layout layout;
  private final List<String> arrays;
  private final long splitSize;
  private final Map<String, String> storeSettings;
  private final List<InputFile> files;

  ReadConf(String format, CaseInsensitiveStringMap options) {
    this.format = format;
    this.layout = Layout.parse(options.getOrDefault(NpzOptions.LAYOUT, NpzOptions.LAYOUT_DEFAULT));
    List<String> a = new ArrayList<>();
    String arr = options.get(NpzOptions.ARRAYS);
    if (arr != null) {
      for (String s : arr.split(",")) {
        if (!s.trim().isEmpty()) {
          a.add(s.trim());
        }
      }
    }
    this.arrays = List.copyOf(a);
    StoreConfig sz = StoreConfig.of(Map.of(NpzOptions.SPLIT_SIZE,
        options.getOrDefault(NpzOptions.SPLIT_SIZE, NpzOptions.SPLIT_SIZE_DEFAULT)));
    this.splitSize = sz.getBytes(NpzOptions.SPLIT_SIZE, 128L << 20);
    if (splitSize <= 0) {
      throw new IllegalArgumentException("Cannot use split-size " + splitSize + ": must be positive");
    }
    Map<String, String> conf = scala.jdk.javaapi.CollectionConverters.asJava(SparkSession.active().conf().getAll());
    this.storeSettings = StoreAccess.settings(conf, options.asCaseSensitiveMap());
    this.files = FileLister.list(paths(options), "." + format, storeSettings);
  }

  static List<String> paths(CaseInsensitiveStringMap options) {
    List<String> out = new ArrayList<>();
    String one = options.get("path");
    if (one != null) {
      out.add(one);
    }
    String many = options.get("paths");
    if (many != null) {
      try {
        for (com.fasterxml.jackson.databind.JsonNode n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(many)) {
          out.add(n.asText());
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("Cannot read paths " + many + ": " + e.getMessage(), e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("Cannot read: no path given (use load(path))");
    }
    return out;
  }

  String format() {
    return format;
  }

  Layout layout() {
    return layout;
  }

  List<String> arrays() {
    return arrays;
  }

  long splitSize() {
    return splitSize;
  }

  Map<String, String> storeSettings() {
    return storeSettings;
  }

  List<InputFile> files() {
    return files;
  }
}
