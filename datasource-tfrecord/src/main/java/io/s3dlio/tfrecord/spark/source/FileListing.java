package io.s3dlio.tfrecord.spark.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Lists the TFRecord files under paths or globs through the Hadoop FileSystem API: recursive,
 * skipping names that start with '_' or '.' (_SUCCESS, _temporary, .crc) and index files, and
 * discovering Hive-style {@code key=value} partition folders below each root.
 */
public final class FileListing {
  /** Folder name of a null partition value, as Spark writes it. */
  public static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  /** One data file. */
  public record FileEntry(String path, long length, long modificationTime, List<String> partitionValues)
      implements Serializable {
  }

  private final List<FileEntry> files;
  private final List<String> partitionNames;

  private FileListing(List<FileEntry> files, List<String> partitionNames) {
    this.files = files;
    this.partitionNames = partitionNames;
  }

  public List<FileEntry> files() {
    return files;
  }

  /** Lists the files; errors name the path. */
  public static FileListing list(Configuration conf, List<String> roots, String indexSuffix) throws IOException {
    List<FileEntry> out = new ArrayList<>();
    List<String> names = null;
    String namesFrom = null;
    for (String r : roots) {
      Path root = new Path(r);
      FileSystem fs = root.getFileSystem(conf);
      FileStatus[] matched = fs.globStatus(root);
      if (matched == null || matched.length == 0) {
        throw new FileNotFoundException("Cannot read TFRecord path " + r + ": it does not exist");
      }
      for (FileStatus st : matched) {
        List<FileStatus> leaves = new ArrayList<>();
        if (st.isFile()) {
          leaves.add(st);
        } else {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
          while (it.hasNext()) {
            leaves.add(it.next());
          }
        }
        String rootStr = st.getPath().toUri().getPath();
        for (FileStatus f : leaves) {
          String full = f.getPath().toUri().getPath();
          String rel = full.length() > rootStr.length() && st.isDirectory() ? full.substring(rootStr.length() + 1)
              : f.getPath().getName();
          if (hidden(rel) || f.getPath().getName().endsWith(indexSuffix)) {
            continue;
          }
          List<String> keys = new ArrayList<>();
          List<String> values = new ArrayList<>();
          String[] parts = rel.split("/");
          for (int i = 0; i < parts.length - 1; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
              keys.add(unescape(parts[i].substring(0, eq)));
              String v = unescape(parts[i].substring(eq + 1));
              values.add(NULL_PARTITION.equals(v) ? null : v);
            }
          }
          if (names == null) {
            names = keys;
            namesFrom = f.getPath().toString();
          } else if (!names.equals(keys)) {
            throw new IOException("Cannot read TFRecord files with different partition folders: "
                + namesFrom + " has " + names + " but " + f.getPath() + " has " + keys);
          }
          out.add(new FileEntry(f.getPath().toString(), f.getLen(), f.getModificationTime(), values));
        }
      }
    }
    out.sort(Comparator.comparing(FileEntry::path));
    return new FileListing(out, names == null ? List.of() : names);
  }

  private static boolean hidden(String rel) {
    for (String part : rel.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String unescape(String s) {
    return s.indexOf('%') < 0 ? s : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Partition columns: bigint when every value parses as one, else string. */
  public StructType partitionSchema() {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < partitionNames.size(); i++) {
      boolean allLong = true;
      for (FileEntry f : files) {
        String v = f.partitionValues().get(i);
        if (v != null) {
          try {
            Long.parseLong(v);
          } catch (NumberFormatException e) {
            allLong = false;
            break;
          }
        }
      }
      fields.add(DataTypes.createStructField(partitionNames.get(i), allLong ? DataTypes.LongType
          : DataTypes.StringType, true));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** The partition values of a file as a row of the given (subset of the) partition schema. */
  public InternalRow partitionRow(FileEntry f, StructType wanted) {
    Map<String, Integer> pos = new LinkedHashMap<>();
    for (int i = 0; i < partitionNames.size(); i++) {
      pos.put(partitionNames.get(i), i);
    }
    Object[] vals = new Object[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      StructField fld = wanted.fields()[i];
      Integer p = pos.get(fld.name());
      String v = p == null ? null : f.partitionValues().get(p);
      vals[i] = v == null ? null : convert(v, fld.dataType());
    }
    return new GenericInternalRow(vals);
  }

  private static Object convert(String v, DataType t) {
    if (t == DataTypes.LongType) {
      return Long.parseLong(v);
    } else if (t == DataTypes.IntegerType) {
      return Integer.parseInt(v);
    }
    return UTF8String.fromString(v);
  }
}
