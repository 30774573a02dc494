package io.s3dlio.npz.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.execution.datasources.FileIndexOptions$;

/**
 * The options of the {@code npz} and {@code npy} sources: the keys (camelCase, as Spark's own
 * sources), parsed once into typed values and validated. An option that is neither ours, nor one
 * of Spark's generic file-source options, nor a Hadoop setting (a key with a dot, such as
 * {@code fs.s3dlio.s3.endpoint}, which Spark passes into the Hadoop configuration of the read or
 * write) is rejected with the list of valid ones.
 */
public final class NpzOptions implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** {@code file}: one row per file; {@code sample}: one row per index along axis 0. Default {@value #LAYOUT_DEFAULT}. */
  public static final String LAYOUT = "layout";
  public static final String LAYOUT_DEFAULT = "file";

  /** Read: comma-separated array names to use (default: every array of the first file). */
  public static final String ARRAYS = "arrays";

  /** Write: {@code none} (stored members, as numpy.savez) or {@code deflate} (as numpy.savez_compressed). */
  public static final String COMPRESSION = "compression";
  public static final String COMPRESSION_DEFAULT = "none";

  /**
   * Read: {@code spark.sql.files.maxPartitionBytes} for this read only: the most bytes packed into
   * one partition, and the size of the row ranges a large sample-layout file is split into.
   */
  public static final String MAX_PARTITION_BYTES = "maxPartitionBytes";

  /**
   * Read: {@code spark.sql.files.openCostInBytes} for this read only: what opening one file costs,
   * in bytes that could be read in the same time, counted per file when packing files into
   * partitions. Without it, and without {@code spark.sql.files.openCostInBytes} set in the session,
   * a read of local files ({@code file://}) counts {@link #LOCAL_OPEN_COST_DEFAULT} bytes, any other
   * read Spark's default (4 MiB).
   */
  public static final String OPEN_COST_IN_BYTES = "openCostInBytes";
  /** The open cost of a local file when none is set (measured, docs/npz.md "Packing small local files"). */
  public static final long LOCAL_OPEN_COST_DEFAULT = 64 * 1024;

  /** Spark's read option: only files whose name matches this glob; without it, {@code *.npz} / {@code *.npy} ({@link #reads}). */
  public static final String PATH_GLOB_FILTER = "pathGlobFilter";

  /** Spark's generic file-source options, accepted and handled by Spark. */
  static final Set<String> SPARK_OPTIONS = Set.of("path", "paths", PATH_GLOB_FILTER, "recursiveFileLookup",
      "modifiedBefore", "modifiedAfter", "ignoreCorruptFiles", "ignoreMissingFiles", "ignoreInvalidPartitionPaths",
      "basePath", "timeZone", "maxRecordsPerFile", "partitionOverwriteMode");

  /** Keys Spark itself adds to the options it hands a file format ({@code FileFormat.OPTION_RETURNING_BATCH}). */
  private static final Set<String> SPARK_INTERNAL = Set.of("returning_batch");

  /** This source's options. */
  static final Set<String> OWN_OPTIONS = Set.of(LAYOUT, ARRAYS, COMPRESSION, MAX_PARTITION_BYTES,
      OPEN_COST_IN_BYTES);

  /** Column with the file's path. */
  public static final String PATH_COLUMN = "path";
  /** Sample layout: column with the index along axis 0. */
  public static final String INDEX_COLUMN = "index";
  /** File layout: suffix of the column with an array's shape. */
  public static final String SHAPE_SUFFIX = "_shape";
  /** File layout: suffix of the column with an array's numpy dtype (descr). */
  public static final String DTYPE_SUFFIX = "_dtype";

  private final String format;
  private final Layout layout;
  private final List<String> arrays;
  private final boolean deflate;
  private final long maxPartitionBytes;
  private final long openCostInBytes;
  private final boolean userGlob;

  private NpzOptions(String format, Layout layout, List<String> arrays, boolean deflate, long maxPartitionBytes,
      long openCostInBytes, boolean userGlob) {
    this.format = format;
    this.layout = layout;
    this.arrays = arrays;
    this.deflate = deflate;
    this.maxPartitionBytes = maxPartitionBytes;
    this.openCostInBytes = openCostInBytes;
    this.userGlob = userGlob;
  }

  /**
   * Parses and validates {@code options} (keys in any case) of a read or write of {@code format}
   * ("npz" or "npy").
   *
   * @throws IllegalArgumentException naming the option, its value and what is accepted
   */
  public static NpzOptions parse(String format, Map<String, String> options) {
    Map<String, String> lower = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      checkKnown(format, e.getKey());
      lower.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
    }
    Layout layout = Layout.parse(lower.getOrDefault(LAYOUT.toLowerCase(Locale.ROOT), LAYOUT_DEFAULT));
    List<String> arrays = new ArrayList<>();
    String a = lower.get(ARRAYS.toLowerCase(Locale.ROOT));
    if (a != null) {
      for (String s : a.split(",")) {
        if (!s.trim().isEmpty()) {
          arrays.add(s.trim());
        }
      }
      if (arrays.isEmpty()) {
        throw new IllegalArgumentException("Cannot use option " + ARRAYS + "='" + a + "': no array names");
      }
    }
    String c = lower.getOrDefault(COMPRESSION.toLowerCase(Locale.ROOT), COMPRESSION_DEFAULT).trim()
        .toLowerCase(Locale.ROOT);
    if (!c.equals("none") && !c.equals("deflate")) {
      throw new IllegalArgumentException("Cannot use option " + COMPRESSION + "='" + c
          + "': expected 'none' or 'deflate'");
    }
    boolean deflate = c.equals("deflate");
    if (deflate && format.equals("npy")) {
      throw new IllegalArgumentException("Cannot use option " + COMPRESSION + "='deflate' with format npy: only"
          + " .npz members can be compressed");
    }
    long maxBytes = size(lower, MAX_PARTITION_BYTES, false);
    long openCost = size(lower, OPEN_COST_IN_BYTES, true);
    boolean glob = lower.containsKey(PATH_GLOB_FILTER.toLowerCase(Locale.ROOT));
    return new NpzOptions(format, layout, List.copyOf(arrays), deflate, maxBytes, openCost, glob);
  }

  /** A size option ({@code 134217728}, {@code 128m}, ...); -1 if absent. */
  private static long size(Map<String, String> lower, String key, boolean zeroAllowed) {
    String m = lower.get(key.toLowerCase(Locale.ROOT));
    if (m == null) {
      return -1;
    }
    long bytes;
    try {
      bytes = JavaUtils.byteStringAsBytes(m.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot use option " + key + "='" + m
          + "': not a size (examples: 134217728, 128m, 1g)", e);
    }
    if (bytes < 0 || bytes == 0 && !zeroAllowed) {
      throw new IllegalArgumentException("Cannot use option " + key + "='" + m + "': must be "
          + (zeroAllowed ? "zero or more" : "positive"));
    }
    return bytes;
  }

  private static void checkKnown(String format, String key) {
    if (key.contains(".") || key.startsWith("__") || SPARK_INTERNAL.contains(key)
        || FileIndexOptions$.MODULE$.isValidOption(key)) {
      return; // Hadoop settings (fs.s3dlio.*, ...), Spark's internal keys, its file index's options
    }
    for (String k : OWN_OPTIONS) {
      if (k.equalsIgnoreCase(key)) {
        return;
      }
    }
    for (String k : SPARK_OPTIONS) {
      if (k.equalsIgnoreCase(key)) {
        return;
      }
    }
    Set<String> valid = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    valid.addAll(OWN_OPTIONS);
    valid.addAll(SPARK_OPTIONS);
    throw new IllegalArgumentException("Cannot use option '" + key + "' with format " + format + ": unknown option."
        + " Valid options: " + String.join(", ", valid) + "; and Hadoop settings (keys with a dot, such as"
        + " fs.s3dlio.s3.endpoint)");
  }

  /**
   * Whether a listed file named {@code name} is read: with a {@code pathGlobFilter}, every file Spark
   * lists (the filter is Spark's); without one, files named {@code *.npz} / {@code *.npy}. (A suffix
   * test here rather than a default {@code pathGlobFilter}: Spark matches that glob with a regular
   * expression per file and per listing pass, a tenth of the planning time on 20,000 files.)
   */
  boolean reads(String name) {
    return userGlob || name.endsWith("." + format);
  }

  /** Whether the read gives Spark's {@code pathGlobFilter}. */
  boolean hasPathGlobFilter() {
    return userGlob;
  }

  /** The files of {@code listed} this source reads ({@link #reads}). */
  List<FileStatus> read(List<FileStatus> listed) {
    return listed.stream().filter(f -> reads(f.getPath().getName())).toList();
  }

  String format() {
    return format;
  }

  Layout layout() {
    return layout;
  }

  /** The arrays asked for with {@link #ARRAYS}; empty: all arrays of the first file. */
  List<String> arrays() {
    return arrays;
  }

  /** Write: deflate members. */
  boolean deflate() {
    return deflate;
  }

  /** {@link #MAX_PARTITION_BYTES}, if given. */
  Optional<Long> maxPartitionBytes() {
    return maxPartitionBytes > 0 ? Optional.of(maxPartitionBytes) : Optional.empty();
  }

  /** {@link #OPEN_COST_IN_BYTES}, if given. */
  Optional<Long> openCostInBytes() {
    return openCostInBytes >= 0 ? Optional.of(openCostInBytes) : Optional.empty();
  }
}
