package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema of a read, from the headers of the first input file, and the mapping of a (pruned)
 * schema back to columns.
 *
 * <p>File layout: {@code path}, then per array {@code <a>: array<T>} (flattened in C order),
 * {@code <a>_shape: array<long>}, {@code <a>_dtype: string}. Sample layout: {@code path},
 * {@code index: long}, then per array {@code <a>: T} for 1-d arrays or {@code <a>: array<T>} (one
 * sample, flattened) for higher ranks.
 */
final class NpzSchemas {
  private NpzSchemas() {
  }

  /**
   * The data schema of a read, from the headers of the first of {@code files} by path (the others
   * must agree when read); empty when there are no files.
   */
  static Optional<StructType> infer(NpzOptions options, List<FileStatus> files, Configuration conf) {
    FileStatus first = firstByPath(files);
    if (first == null) {
      return Optional.empty();
    }
    Path path = first.getPath();
    try (HadoopRangeSource src = HadoopRangeSource.open(path.getFileSystem(conf), path, first.getLen())) {
      ArrayFile f = ReadSpec.open(options.format(), src);
      List<String> names = options.arrays().isEmpty() ? f.arrayNames() : options.arrays();
      Map<String, NpyHeader> headers = new LinkedHashMap<>();
      for (String n : names) {
        if (!f.arrayNames().contains(n)) {
          throw new IllegalArgumentException("Cannot find array '" + n + "' in " + path + " (arrays: "
              + f.arrayNames() + ")");
        }
        headers.put(n, f.header(n));
      }
      return Optional.of(options.layout() == Layout.FILE ? fileSchema(headers) : sampleSchema(headers, path.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot infer the schema from " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file of {@code files} whose path string is the smallest (folders skipped); null when there
   * is none. Paths of the same scheme and authority as the smallest so far (in practice all of
   * them) are compared by their URI path, which orders them as their strings do (the same prefix
   * before it) without making 20,000 strings; others by their strings.
   */
  static FileStatus firstByPath(List<FileStatus> files) {
    FileStatus first = null;
    URI firstUri = null;
    for (FileStatus f : files) {
      if (!f.isFile()) {
        continue;
      }
      URI u = f.getPath().toUri();
      if (first == null) {
        first = f;
        firstUri = u;
        continue;
      }
      boolean sameRoot = Objects.equals(u.getScheme(), firstUri.getScheme())
          && Objects.equals(u.getAuthority(), firstUri.getAuthority());
      int c = sameRoot ? u.getPath().compareTo(firstUri.getPath())
          : f.getPath().toString().compareTo(first.getPath().toString());
      if (c < 0) {
        first = f;
        firstUri = u;
      }
    }
    return first;
  }

  /** What the readers need for {@code readDataSchema}, a pruned {@code dataSchema}. */
  static ReadSpec readSpec(NpzOptions options, StructType dataSchema, StructType readDataSchema) {
    Map<String, ColumnSpec> specs = columns(dataSchema, options.layout());
    List<ColumnSpec> columns = new ArrayList<>();
    for (StructField f : readDataSchema.fields()) {
      ColumnSpec c = specs.get(f.name());
      if (c == null) {
        throw new IllegalArgumentException("Cannot read column '" + f.name() + "': not in " + dataSchema.simpleString());
      }
      columns.add(c);
    }
    List<String> all = new ArrayList<>();
    specs.values().forEach(c -> {
      if (c.kind() == ColumnSpec.Kind.VALUES) {
        all.add(c.array());
      }
    });
    if (options.layout() == Layout.SAMPLE && all.isEmpty()) {
      throw new IllegalArgumentException("Cannot read by sample with schema " + dataSchema.simpleString()
          + ": it has no array column to count the samples of");
    }
    return new ReadSpec(options.format(), options.layout(), columns, all);
  }

  private static StructType fileSchema(Map<String, NpyHeader> headers) {
    StructType s = new StructType().add(NpzOptions.PATH_COLUMN, DataTypes.StringType, false);
    for (Map.Entry<String, NpyHeader> e : headers.entrySet()) {
      DataType t = ArrayConverter.sparkType(e.getValue().dtype());
      s = s.add(e.getKey(), DataTypes.createArrayType(t, false), true)
          .add(e.getKey() + NpzOptions.SHAPE_SUFFIX, DataTypes.createArrayType(DataTypes.LongType, false), true)
          .add(e.getKey() + NpzOptions.DTYPE_SUFFIX, DataTypes.StringType, true);
    }
    return s;
  }

  private static StructType sampleSchema(Map<String, NpyHeader> headers, String file) {
    StructType s = new StructType().add(NpzOptions.PATH_COLUMN, DataTypes.StringType, false)
        .add(NpzOptions.INDEX_COLUMN, DataTypes.LongType, false);
    checkSampleArrays(headers, file);
    for (Map.Entry<String, NpyHeader> e : headers.entrySet()) {
      DataType t = ArrayConverter.sparkType(e.getValue().dtype());
      s = s.add(e.getKey(), e.getValue().rank() == 1 ? t : DataTypes.createArrayType(t, false), false);
    }
    return s;
  }

  /**
   * Whether a column of this type can be read and written: the element types of
   * {@link ColumnBuffer} and arrays of them.
   */
  static boolean supported(DataType type) {
    DataType t = type instanceof org.apache.spark.sql.types.ArrayType a ? a.elementType() : type;
    return ColumnBuffer.supported(t);
  }

  /** Sample layout: every array has a first dimension, and it is the same for all. */
  static long checkSampleArrays(Map<String, NpyHeader> headers, String file) {
    long n = -1;
    String firstName = null;
    for (Map.Entry<String, NpyHeader> e : headers.entrySet()) {
      NpyHeader h = e.getValue();
      if (h.rank() == 0) {
        throw new IllegalArgumentException("Cannot read " + file + " by sample: array '" + e.getKey()
            + "' is 0-d (choose arrays with a first dimension with the 'arrays' option)");
      }
      if (n < 0) {
        n = h.dim(0);
        firstName = e.getKey();
      } else if (h.dim(0) != n) {
        throw new IllegalArgumentException("Cannot read " + file + " by sample: array '" + e.getKey() + "' has "
            + h.dim(0) + " rows but '" + firstName + "' has " + n
            + " (choose arrays of the same first dimension with the 'arrays' option)");
      }
    }
    return n;
  }

  /**
   * What each column of the full schema holds: {@code <a>_shape} and {@code <a>_dtype} are shape
   * and dtype columns when a values column {@code <a>} exists in the file layout.
   */
  static Map<String, ColumnSpec> columns(StructType schema, Layout layout) {
    Map<String, ColumnSpec> out = new LinkedHashMap<>();
    java.util.Set<String> names = new java.util.HashSet<>(List.of(schema.fieldNames()));
    for (StructField f : schema.fields()) {
      String n = f.name();
      ColumnSpec c;
      if (n.equals(NpzOptions.PATH_COLUMN)) {
        c = new ColumnSpec(ColumnSpec.Kind.PATH, null, null, false);
      } else if (layout == Layout.SAMPLE && n.equals(NpzOptions.INDEX_COLUMN)) {
        c = new ColumnSpec(ColumnSpec.Kind.INDEX, null, null, false);
      } else if (layout == Layout.FILE && n.endsWith(NpzOptions.SHAPE_SUFFIX)
          && names.contains(strip(n, NpzOptions.SHAPE_SUFFIX))) {
        c = new ColumnSpec(ColumnSpec.Kind.SHAPE, strip(n, NpzOptions.SHAPE_SUFFIX), null, false);
      } else if (layout == Layout.FILE && n.endsWith(NpzOptions.DTYPE_SUFFIX)
          && names.contains(strip(n, NpzOptions.DTYPE_SUFFIX))) {
        c = new ColumnSpec(ColumnSpec.Kind.DTYPE, strip(n, NpzOptions.DTYPE_SUFFIX), null, false);
      } else if (f.dataType() instanceof org.apache.spark.sql.types.ArrayType at) {
        c = new ColumnSpec(ColumnSpec.Kind.VALUES, n, at.elementType(), layout == Layout.SAMPLE);
      } else if (layout == Layout.SAMPLE) {
        c = new ColumnSpec(ColumnSpec.Kind.VALUES, n, f.dataType(), false);
      } else {
        throw new IllegalArgumentException("Cannot read column '" + n + "' of type " + f.dataType().simpleString()
            + " in the file layout: array columns must be arrays");
      }
      out.put(n, c);
    }
    return out;
  }

  private static String strip(String n, String suffix) {
    return n.substring(0, n.length() - suffix.length());
  }
}
