package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.codec.Compression;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * The read options, parsed once on the driver into typed values. Small and immutable: executors
 * get it inside each input partition's factory. Precedence: read option, then session conf (only
 * {@code spark.sql.files.maxPartitionBytes}), then the default.
 */
public final class TfRecordReadConf implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The {@code useIndex} option. */
  public enum UseIndex {
    AUTO, REQUIRE, NEVER;

    static UseIndex parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot use useIndex='" + s + "': expected auto, require or never", e);
      }
    }
  }

  public static final long DEFAULT_MAX_PARTITION_BYTES = 128L << 20;
  public static final int DEFAULT_SAMPLE_FILES = 32;
  public static final int DEFAULT_SAMPLE_RECORDS_PER_FILE = 200;

  private final SparkRecordType recordType;
  /** null: detect from the extension, then the magic bytes. */
  private final Compression compression;
  private final boolean verifyChecksums;
  private final boolean ignoreCorruptRecords;
  private final String indexSuffix;
  private final String indexLocation;
  private final UseIndex useIndex;
  private final boolean splitWithoutIndex;
  private final long maxPartitionBytes;
  private final int sampleFiles;
  private final int sampleRecordsPerFile;

  private TfRecordReadConf(Map<String, String> o, long sessionMaxPartitionBytes) {
    String rt = TfRecordOptions.get(o, TfRecordOptions.RECORD_TYPE);
    this.recordType = rt == null ? SparkRecordType.EXAMPLE : SparkRecordType.parse(rt);
    String c = TfRecordOptions.get(o, TfRecordOptions.COMPRESSION);
    this.compression = c == null || c.trim().equalsIgnoreCase("auto") ? null : Compression.parse(c);
    this.verifyChecksums = TfRecordOptions.bool(o, TfRecordOptions.VERIFY_CHECKSUMS, true);
    this.ignoreCorruptRecords = TfRecordOptions.bool(o, TfRecordOptions.IGNORE_CORRUPT_RECORDS, false);
    String suffix = TfRecordOptions.get(o, TfRecordOptions.INDEX_SUFFIX);
    this.indexSuffix = suffix == null ? ".idx" : suffix;
    if (indexSuffix.isEmpty()) {
      throw new IllegalArgumentException("Cannot use indexSuffix='': an index must not have the data file's name");
    }
    this.indexLocation = TfRecordOptions.get(o, TfRecordOptions.INDEX_LOCATION);
    String ui = TfRecordOptions.get(o, TfRecordOptions.USE_INDEX);
    this.useIndex = ui == null ? UseIndex.AUTO : UseIndex.parse(ui);
    this.splitWithoutIndex = TfRecordOptions.bool(o, TfRecordOptions.SPLIT_WITHOUT_INDEX, true);
    this.maxPartitionBytes = TfRecordOptions.positiveLong(o, TfRecordOptions.MAX_PARTITION_BYTES,
        sessionMaxPartitionBytes > 0 ? sessionMaxPartitionBytes : DEFAULT_MAX_PARTITION_BYTES, false);
    this.sampleFiles = (int) Math.min(Integer.MAX_VALUE,
        TfRecordOptions.positiveLong(o, TfRecordOptions.SAMPLE_FILES, DEFAULT_SAMPLE_FILES, false));
    this.sampleRecordsPerFile = (int) Math.min(Integer.MAX_VALUE, TfRecordOptions.positiveLong(o,
        TfRecordOptions.SAMPLE_RECORDS_PER_FILE, DEFAULT_SAMPLE_RECORDS_PER_FILE, false));
  }

  /**
   * Validates and parses the options.
   *
   * @param sessionMaxPartitionBytes spark.sql.files.maxPartitionBytes, or 0 for the default
   */
  public static TfRecordReadConf parse(Map<String, String> options, long sessionMaxPartitionBytes) {
    TfRecordOptions.validate(options);
    return new TfRecordReadConf(options, sessionMaxPartitionBytes);
  }

  public SparkRecordType recordType() {
    return recordType;
  }

  /** The compression to read with, or null to detect it per file. */
  public Compression compression() {
    return compression;
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

  /** A folder of indexes, or null for indexes beside their files. */
  public String indexLocation() {
    return indexLocation;
  }

  public UseIndex useIndex() {
    return useIndex;
  }

  public boolean splitWithoutIndex() {
    return splitWithoutIndex;
  }

  public long maxPartitionBytes() {
    return maxPartitionBytes;
  }

  public int sampleFiles() {
    return sampleFiles;
  }

  public int sampleRecordsPerFile() {
    return sampleRecordsPerFile;
  }
}
