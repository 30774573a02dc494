package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Driver-side helpers of the data source: paths from options, schema inference. */
public final class TfRecordSources {
  private TfRecordSources() {
  }

  /** The "path" option, or the JSON array of "paths" (as DataFrameReader.load(a, b) passes them). */
  public static List<String> paths(Map<String, String> options) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().equalsIgnoreCase("path")) {
        out.add(e.getValue());
      }
    }
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().equalsIgnoreCase("paths")) {
        out.addAll(jsonStrings(e.getValue()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("Cannot use the tfrecord source without a path: use load(path) or save(path)");
    }
    return out;
  }

  /** The partitionBy columns DataFrameWriter passes to a V1 source. */
  public static List<String> partitionColumns(Map<String, String> options) {
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().equalsIgnoreCase("__partition_columns")) {
        return jsonStrings(e.getValue());
      }
    }
    return List.of();
  }

  /** Parses a JSON array of strings. */
  static List<String> jsonStrings(String json) {
    List<String> out = new ArrayList<>();
    String s = json.trim();
    int i = s.indexOf('[') + 1;
    while (i > 0 && i < s.length()) {
      int q = s.indexOf('"', i);
      if (q < 0) {
        break;
      }
      StringBuilder b = new StringBuilder();
      int j = q + 1;
      while (j < s.length() && s.charAt(j) != '"') {
        char c = s.charAt(j);
        if (c == '\\' && j + 1 < s.length()) {
          char n = s.charAt(++j);
          if (n == 'u' && j + 4 < s.length()) {
            b.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
            j += 4;
          } else {
            b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
          }
        } else {
          b.append(c);
        }
        j++;
      }
      out.add(b.toString());
      i = j + 1;
    }
    return out;
  }

  /** Infers data columns from a sample, then adds the partition columns found in folder names. */
  public static StructType inferSchema(Map<String, String> options) {
    TfRecordReadConf conf = TfRecordReadConf.parse(options, 0);
    List<String> roots = paths(options);
    Configuration hadoop = SparkSession.active().sparkContext().hadoopConfiguration();
    try {
      FileListing listing = FileListing.list(hadoop, roots, conf.indexSuffix());
      StructType s = SchemaSampler.infer(hadoop, listing, conf, roots);
      for (StructField f : listing.partitionSchema().fields()) {
        if (s.getFieldIndex(f.name()).isEmpty()) {
          s = s.add(f);
        }
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
