package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.codec.Compression;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The options of the {@code tfrecord} source, parsed once into typed values (as Spark's own
 * {@code AvroOptions}/{@code CSVOptions}) and sent to executors inside the reader and writer
 * factories. Names are camelCase and case-insensitive. Three kinds of key are accepted:
 * <ul>
 *   <li>this source's options (the constants below);</li>
 *   <li>Spark's generic file-source options, which Spark itself applies ({@link #SPARK_FILE_SOURCE_KEYS}),
 *       and the keys Spark adds for catalog tables;</li>
 *   <li>keys containing a '.', which are Hadoop configuration keys: Spark copies every option into the
 *       Hadoop configuration of the read or write ({@code newHadoopConfWithOptions}), so for example
 *       {@code fs.s3dlio.s3.endpoint} can be given per read.</li>
 * </ul>
 * Any other key is rejected with the list of valid ones.
 */
public final class TfRecordOptions implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Example (default) | SequenceExample | ByteArray. */
  public static final String RECORD_TYPE = "recordType";
  /** Read: auto (default: extension, then magic bytes) | none | gzip | zlib. Write: none (default) | gzip. */
  public static final String COMPRESSION = "compression";
  /** Check the length and payload CRC32C of every record (default true). */
  public static final String VERIFY_CHECKSUMS = "verifyChecksums";
  /** Skip and count corrupt records instead of failing (default false). */
  public static final String IGNORE_CORRUPT_RECORDS = "ignoreCorruptRecords";
  /** Suffix of DALI index files (default {@code .idx}). */
  public static final String INDEX_SUFFIX = "indexSuffix";
  /** A folder holding the indexes ({@code <file name><indexSuffix>}), looked at before the data's own folder. */
  public static final String INDEX_LOCATION = "indexLocation";
  /** auto (default: use an index when one is there and agrees with the file) | require | never. */
  public static final String USE_INDEX = "useIndex";
  /** Split an uncompressed file that has no index by resynchronising at byte offsets (default true). */
  public static final String SPLIT_WITHOUT_INDEX = "splitWithoutIndex";
  /** Bytes per input partition for this read (default: spark.sql.files.maxPartitionBytes). */
  public static final String MAX_PARTITION_BYTES = "maxPartitionBytes";
  /** Schema inference: at most this many files are sampled, spread over the listing (default 32). */
  public static final String SAMPLE_FILES = "sampleFiles";
  /** Schema inference: at most this many records are read per sampled file (default 200). */
  public static final String SAMPLE_RECORDS_PER_FILE = "sampleRecordsPerFile";
  /** Write: the DALI index of each part file, written in the same pass (default true). */
  public static final String WRITE_INDEX = "writeIndex";
  /** Schema inference: true samples every file (as Parquet's mergeSchema reads every footer). */
  public static final String MERGE_SCHEMA = "mergeSchema";

  /** Spark's own file-source options: Spark applies them (file index, writer, commit protocol). */
  public static final List<String> SPARK_FILE_SOURCE_KEYS = List.of("path", "paths", "pathGlobFilter",
      "recursiveFileLookup", "modifiedBefore", "modifiedAfter", "ignoreCorruptFiles", "ignoreMissingFiles",
      "basePath", "maxRecordsPerFile", "partitionOverwriteMode", MERGE_SCHEMA);

  /** Keys Spark itself adds to the options of catalog tables, V1 reads ({@code returning_batch}) and V1 writes. */
  private static final Set<String> SPARK_INTERNAL_KEYS = Set.of("__partition_columns", "provider", "location",
      "owner", "comment", "external", "is_managed_location", "collation", "returning_batch");

  private static final List<String> OWN_KEYS = List.of(RECORD_TYPE, COMPRESSION, VERIFY_CHECKSUMS,
      IGNORE_CORRUPT_RECORDS, INDEX_SUFFIX, INDEX_LOCATION, USE_INDEX, SPLIT_WITHOUT_INDEX, MAX_PARTITION_BYTES,
      SAMPLE_FILES, SAMPLE_RECORDS_PER_FILE, WRITE_INDEX);

  public static final int DEFAULT_SAMPLE_FILES = 32;
  public static final int DEFAULT_SAMPLE_RECORDS_PER_FILE = 200;

  /** The {@code useIndex} option. */
  public enum UseIndex {
    AUTO, REQUIRE, NEVER
  }

  private final SparkRecordType recordType;
  private final Compression compression;
  private final String compressionText;
  private final boolean verifyChecksums;
  private final boolean ignoreCorruptRecords;
  private final String indexSuffix;
  private final String indexLocation;
  private final UseIndex useIndex;
  private final boolean splitWithoutIndex;
  private final long maxPartitionBytes;
  private final int sampleFiles;
  private final int sampleRecordsPerFile;
  private final boolean writeIndex;

  private TfRecordOptions(Map<String, String> o) {
    String rt = o.get(RECORD_TYPE);
    this.recordType = rt == null ? SparkRecordType.EXAMPLE : SparkRecordType.parse(rt);
    String c = o.get(COMPRESSION);
    this.compressionText = c;
    this.compression = c == null || c.trim().equalsIgnoreCase("auto") ? null : Compression.parse(c);
    this.verifyChecksums = bool(o, VERIFY_CHECKSUMS, true);
    this.ignoreCorruptRecords = bool(o, IGNORE_CORRUPT_RECORDS, false);
    String suffix = o.get(INDEX_SUFFIX);
    this.indexSuffix = suffix == null ? ".idx" : suffix;
    if (indexSuffix.isEmpty()) {
      throw new IllegalArgumentException("Cannot use indexSuffix='': an index must not have the data file's name");
    }
    String loc = o.get(INDEX_LOCATION);
    this.indexLocation = loc == null || loc.isBlank() ? null : loc;
    String ui = o.get(USE_INDEX);
    this.useIndex = ui == null ? UseIndex.AUTO : parseUseIndex(ui);
    this.splitWithoutIndex = bool(o, SPLIT_WITHOUT_INDEX, true);
    this.maxPartitionBytes = positiveLong(o, MAX_PARTITION_BYTES, 0, false);
    int files = (int) Math.min(Integer.MAX_VALUE, positiveLong(o, SAMPLE_FILES, DEFAULT_SAMPLE_FILES, false));
    this.sampleFiles = bool(o, MERGE_SCHEMA, false) ? Integer.MAX_VALUE : files;
    this.sampleRecordsPerFile = (int) Math.min(Integer.MAX_VALUE,
        positiveLong(o, SAMPLE_RECORDS_PER_FILE, DEFAULT_SAMPLE_RECORDS_PER_FILE, false));
    this.writeIndex = bool(o, WRITE_INDEX, true);
  }

  /**
   * Validates and parses options (any case).
   *
   * @throws IllegalArgumentException on an unknown key (naming it and listing the valid ones) or a bad value
   */
  public static TfRecordOptions parse(Map<String, String> options) {
    Map<String, String> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    ci.putAll(options);
    validate(ci.keySet());
    return new TfRecordOptions(ci);
  }

  /** Every key of this source (not Spark's), as documented. */
  public static List<String> ownKeys() {
    List<String> all = new ArrayList<>(OWN_KEYS);
    all.sort(String.CASE_INSENSITIVE_ORDER);
    return Collections.unmodifiableList(all);
  }

  private static void validate(Set<String> keys) {
    Set<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    known.addAll(OWN_KEYS);
    known.addAll(SPARK_FILE_SOURCE_KEYS);
    known.addAll(SPARK_INTERNAL_KEYS);
    List<String> unknown = new ArrayList<>();
    for (String k : keys) {
      if (!known.contains(k) && k.indexOf('.') < 0) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      Collections.sort(unknown);
      throw new IllegalArgumentException("Cannot use tfrecord option" + (unknown.size() > 1 ? "s " : " ") + unknown
          + ": unknown; valid options are " + String.join(", ", ownKeys()) + " and Spark's file-source options "
          + String.join(", ", SPARK_FILE_SOURCE_KEYS)
          + " (case-insensitive; a key containing '.' is a Hadoop configuration key)");
    }
  }

  private static UseIndex parseUseIndex(String s) {
    try {
      return UseIndex.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot use useIndex='" + s + "': expected auto, require or never", e);
    }
  }

  private static boolean bool(Map<String, String> o, String key, boolean dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException("Cannot use " + key + "='" + v + "': expected true or false");
    }
  }

  private static long positiveLong(Map<String, String> o, String key, long dflt, boolean zeroOk) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0 || (n == 0 && !zeroOk)) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot use " + key + "='" + v + "': expected a "
          + (zeroOk ? "non-negative" : "positive") + " integer");
    }
  }

  public SparkRecordType recordType() {
    return recordType;
  }

  /** The compression to read with, or null to detect it per file (extension, then magic bytes). */
  public Compression compression() {
    return compression;
  }

  /** The compression of written part files: none (default) or gzip. */
  public Compression writeCompression() {
    if (compression == Compression.ZLIB) {
      throw new IllegalArgumentException("Cannot write compression='" + compressionText + "': expected none or gzip");
    }
    return compression == null ? Compression.NONE : compression;
  }

  /** The extension of written part files: {@code .tfrecord} or {@code .tfrecord.gz}. */
  public String writeExtension() {
    return writeCompression() == Compression.GZIP ? ".tfrecord.gz" : ".tfrecord";
  }

  public boolean verifyChecksums() {
    return verifyChecksums;
  }

  public boolean ignoreCorruptRecords() {
    return ignoreCorruptRecords;
  }

  public String indexSuffix() {
    return indexSuffix;
  }

  /** A folder of indexes, or null. */
  public String indexLocation() {
    return indexLocation;
  }

  public UseIndex useIndex() {
    return useIndex;
  }

  public boolean splitWithoutIndex() {
    return splitWithoutIndex;
  }

  /** Bytes per input partition for this read, or 0 for Spark's spark.sql.files.maxPartitionBytes. */
  public long maxPartitionBytes() {
    return maxPartitionBytes;
  }

  public int sampleFiles() {
    return sampleFiles;
  }

  public int sampleRecordsPerFile() {
    return sampleRecordsPerFile;
  }

  public boolean writeIndex() {
    return writeIndex;
  }

  /** Whether a listed file is an index rather than data (by its name). */
  public boolean isIndexFile(String name) {
    return name.endsWith(indexSuffix);
  }
}
