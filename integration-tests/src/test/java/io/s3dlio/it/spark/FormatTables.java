package io.s3dlio.it.spark;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the cross-format write suites share: the formats under test, the two storages (local
 * disk and the S3 server through the s3dlio FileSystem), reading a table back as a user would
 * (schema inferred) and listing what a write left behind.
 */
final class FormatTables {
  /** The file formats every write scenario runs with: one line per format. */
  static final List<String> FORMATS = List.of(
      "parquet",
      "tfrecord",
      "npz");

  static final String BUCKET = "spark-commit";

  private FormatTables() {
  }

  /** Where tables are written. */
  enum Storage {
    FILE, S3
  }

  /** The S3 server and the s3dlio FileSystem for s3://, configured as spark.hadoop.* keys. */
  static SparkSession.Builder withS3(SparkSession.Builder b) {
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    b.config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName());
    for (Map.Entry<String, String> e : s3.storeConfig().withPrefix("s3.").entrySet()) {
      b.config("spark.hadoop.fs.s3dlio." + e.getKey(), e.getValue());
    }
    return b;
  }

  /**
   * Options a format needs to hold the suites' table (id: bigint, v: float) as one row per record:
   * NPZ's sample layout (one row per index along axis 0, a 1-d array read back as a scalar column;
   * its default file layout is one file per row with array columns).
   */
  static Map<String, String> options(String format) {
    return format.equals("npz") ? Map.of("layout", "sample") : Map.of();
  }

  /** A new, not yet existing table path. */
  static String newTable(Storage storage, Path localRoot, String name) {
    String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    return storage == Storage.S3 ? "s3://" + BUCKET + "/" + run : localRoot.resolve(run).toUri().toString();
  }

  /** The ids of the table, read as a user would (schema inferred), sorted. */
  static List<Long> ids(SparkSession spark, String format, String path) {
    List<Long> out = new ArrayList<>();
    for (Row r : spark.read().format(format).options(options(format)).load(path).select("id").collectAsList()) {
      out.add(r.getLong(0));
    }
    out.sort(null);
    return out;
  }

  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  /** Every file under a table (relative paths), as the FileSystem lists them. */
  static List<String> files(SparkSession spark, String table) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(table);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    List<String> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    String prefix = fs.makeQualified(root).toString() + "/";
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      String p = it.next().getPath().toString();
      out.add(p.startsWith(prefix) ? p.substring(prefix.length()) : p);
    }
    out.sort(null);
    return out;
  }

  /** Staging a write left: Spark's and the committer's temporary folders. */
  static List<String> staging(List<String> files) {
    return files.stream().filter(f -> f.contains("_temporary") || f.contains(".spark-staging")).toList();
  }

  /**
   * For TFRecord: parts without their index in {@code _index/} and indexes without their part
   * (empty when every part has its index and no index is orphaned).
   */
  static List<String> unpairedIndexes(List<String> files) {
    Set<String> parts = new TreeSet<>();
    Set<String> indexes = new TreeSet<>();
    for (String f : files) {
      if (f.endsWith(".idx")) {
        indexes.add(f);
      } else if (f.endsWith(".tfrecord") || f.endsWith(".tfrecord.gz")) {
        int slash = f.lastIndexOf('/');
        parts.add(f.substring(0, slash + 1) + "_index/" + f.substring(slash + 1) + ".idx");
      }
    }
    List<String> out = new ArrayList<>();
    for (String p : parts) {
      if (!indexes.contains(p)) {
        out.add("no index " + p);
      }
    }
    for (String i : indexes) {
      if (!parts.contains(i)) {
        out.add("orphan index " + i);
      }
    }
    return out;
  }
}
