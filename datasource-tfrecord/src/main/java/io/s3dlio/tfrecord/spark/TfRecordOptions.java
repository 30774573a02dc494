package io.s3dlio.tfrecord.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The option keys of the {@code tfrecord} data source. Keys are case-insensitive; an unknown key
 * is rejected with a message listing the valid ones. Values are parsed once, on the driver, into
 * {@link TfRecordReadConf} and {@link TfRecordWriteConf}.
 */
public final class TfRecordOptions {
  /** Example (default) | SequenceExample | ByteArray. */
  public static final String RECORD_TYPE = "recordType";
  /** Read: auto (default: extension, then magic bytes) | none | gzip | zlib. Write: none (default) | gzip. */
  public static final String COMPRESSION = "compression";
  /** Check the length and payload CRC32C of every record (default true). */
  public static final String VERIFY_CHECKSUMS = "verifyChecksums";
  /** Skip and count corrupt records instead of failing (default false). */
  public static final String IGNORE_CORRUPT_RECORDS = "ignoreCorruptRecords";
  /** Suffix of the DALI index beside each file (default {@code .idx}). */
  public static final String INDEX_SUFFIX = "indexSuffix";
  /** A folder holding the indexes ({@code <file name><indexSuffix>}) instead of beside the files. */
  public static final String INDEX_LOCATION = "indexLocation";
  /** auto (default: use an index when one is there and valid) | require | never. */
  public static final String USE_INDEX = "useIndex";
  /** Split a large uncompressed file without an index by resynchronising at byte offsets (default true). */
  public static final String SPLIT_WITHOUT_INDEX = "splitWithoutIndex";
  /** Target bytes per input partition (default: spark.sql.files.maxPartitionBytes). */
  public static final String MAX_PARTITION_BYTES = "maxPartitionBytes";
  /** Schema inference: at most this many files are sampled, spread over the listing (default 32). */
  public static final String SAMPLE_FILES = "sampleFiles";
  /** Schema inference: at most this many records are read per sampled file (default 200). */
  public static final String SAMPLE_RECORDS_PER_FILE = "sampleRecordsPerFile";
  /** Write: roll to a new part file after this many records (default 0: no limit). */
  public static final String MAX_RECORDS_PER_FILE = "maxRecordsPerFile";
  /** Write: write the DALI index of each part file in the same pass (default true). */
  public static final String WRITE_INDEX = "writeIndex";

  /** Keys Spark itself puts in the options map (reader/writer, and catalog table properties). */
  static final Set<String> SPARK_KEYS = Set.of("path", "paths", "__partition_columns", "provider", "location",
      "owner", "comment", "external", "is_managed_location", "collation");

  private static final List<String> READ_KEYS = List.of(RECORD_TYPE, COMPRESSION, VERIFY_CHECKSUMS,
      IGNORE_CORRUPT_RECORDS, INDEX_SUFFIX, INDEX_LOCATION, USE_INDEX, SPLIT_WITHOUT_INDEX, MAX_PARTITION_BYTES,
      SAMPLE_FILES, SAMPLE_RECORDS_PER_FILE);
  private static final List<String> WRITE_KEYS = List.of(MAX_RECORDS_PER_FILE, WRITE_INDEX, INDEX_SUFFIX);

  private TfRecordOptions() {
  }

  /** Every key this source accepts (read and write), as documented. */
  public static List<String> validKeys() {
    Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    all.addAll(READ_KEYS);
    all.addAll(WRITE_KEYS);
    return Collections.unmodifiableList(new ArrayList<>(all));
  }

  /**
   * Rejects keys this source does not know (any case).
   *
   * @throws IllegalArgumentException naming the unknown keys and listing the valid ones
   */
  public static void validate(Map<String, String> options) {
    Set<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    known.addAll(validKeys());
    known.addAll(SPARK_KEYS);
    List<String> unknown = new ArrayList<>();
    for (String k : options.keySet()) {
      if (!known.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      Collections.sort(unknown);
      throw new IllegalArgumentException("Cannot use tfrecord option" + (unknown.size() > 1 ? "s " : " ") + unknown
          + ": unknown; valid options are " + String.join(", ", validKeys()) + " (case-insensitive)");
    }
  }

  static String get(Map<String, String> options, String key) {
    String v = options.get(key);
    if (v != null) {
      return v;
    }
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key)) {
        return e.getValue();
      }
    }
    return null;
  }

  static boolean bool(Map<String, String> options, String key, boolean dflt) {
    String v = get(options, key);
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

  static long positiveLong(Map<String, String> options, String key, long dflt, boolean zeroOk) {
    String v = get(options, key);
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
}
