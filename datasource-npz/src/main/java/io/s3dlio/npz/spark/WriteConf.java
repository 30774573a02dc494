package io.s3dlio.npz.spark;

import io.s3dlio.store.ObjectUri;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The settings of one write, resolved once on the driver. NOT meant to be serialized. */
final class WriteConf {
  private final String format;
  private final ObjectUri target;
  private final Layout layout;
  private final boolean compress;
  private final long maxRecordsPerFile;
  private final Map<String, String> storeSettings;

  WriteConf(String format, CaseInsensitiveStringMap options, SparkSession session) {
    this.format = format;
    String path = options.get("path");
    if (path == null) {
      throw new IllegalArgumentException("Cannot write " + format + ": no path given (use save(path))");
    }
    this.target = StoreAccess.uri(path);
    this.layout = Layout.parse(options.getOrDefault(NpzOptions.LAYOUT, NpzOptions.LAYOUT_DEFAULT));
    String c = options.getOrDefault(NpzOptions.COMPRESSION, NpzOptions.COMPRESSION_DEFAULT).trim()
        .toLowerCase(Locale.ROOT);
    if (!c.equals("none") && !c.equals("deflate") && !c.equals("stored") && !c.equals("deflated")) {
      throw new IllegalArgumentException("Cannot use compression '" + c + "': expected 'none' or 'deflate'");
    }
    this.compress = c.startsWith("deflate");
    if (compress && format.equals("npy")) {
      throw new IllegalArgumentException("Cannot write .npy with compression: only .npz members can be deflated");
    }
    try {
      this.maxRecordsPerFile = Long.parseLong(options.getOrDefault(NpzOptions.MAX_RECORDS_PER_FILE,
          NpzOptions.MAX_RECORDS_PER_FILE_DEFAULT).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot use max-records-per-file '"
          + options.get(NpzOptions.MAX_RECORDS_PER_FILE) + "': not a number", e);
    }
    this.storeSettings = StoreAccess.settings(scala.jdk.javaapi.CollectionConverters.asJava(session.conf().getAll()), options.asCaseSensitiveMap());
  }

  String format() {
    return format;
  }

  ObjectUri target() {
    return target;
  }

  Layout layout() {
    return layout;
  }

  boolean compress() {
    return compress;
  }

  long maxRecordsPerFile() {
    return maxRecordsPerFile;
  }

  Map<String, String> storeSettings() {
    return storeSettings;
  }
}
