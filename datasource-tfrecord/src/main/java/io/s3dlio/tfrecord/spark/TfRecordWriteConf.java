package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.codec.Compression;
import java.io.Serializable;
import java.util.Map;

/** The write options, parsed once on the driver; sent to every write task. */
public final class TfRecordWriteConf implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SparkRecordType recordType;
  private final Compression compression;
  private final long maxRecordsPerFile;
  private final boolean writeIndex;
  private final String indexSuffix;

  private TfRecordWriteConf(Map<String, String> o) {
    String rt = TfRecordOptions.get(o, TfRecordOptions.RECORD_TYPE);
    this.recordType = rt == null ? SparkRecordType.EXAMPLE : SparkRecordType.parse(rt);
    String c = TfRecordOptions.get(o, TfRecordOptions.COMPRESSION);
    this.compression = c == null ? Compression.NONE : Compression.parse(c);
    if (compression == Compression.ZLIB) {
      throw new IllegalArgumentException("Cannot write compression='" + c + "': expected none or gzip");
    }
    this.maxRecordsPerFile = TfRecordOptions.positiveLong(o, TfRecordOptions.MAX_RECORDS_PER_FILE, 0, true);
    this.writeIndex = TfRecordOptions.bool(o, TfRecordOptions.WRITE_INDEX, true);
    String suffix = TfRecordOptions.get(o, TfRecordOptions.INDEX_SUFFIX);
    this.indexSuffix = suffix == null || suffix.isEmpty() ? ".idx" : suffix;
  }

  /** Validates and parses the options (read-only keys are accepted and ignored, so one map serves both). */
  public static TfRecordWriteConf parse(Map<String, String> options) {
    TfRecordOptions.validate(options);
    return new TfRecordWriteConf(options);
  }

  public SparkRecordType recordType() {
    return recordType;
  }

  public Compression compression() {
    return compression;
  }

  /** 0 for no limit. */
  public long maxRecordsPerFile() {
    return maxRecordsPerFile;
  }

  public boolean writeIndex() {
    return writeIndex;
  }

  public String indexSuffix() {
    return indexSuffix;
  }

  /** The extension of part files: {@code .tfrecord} or {@code .tfrecord.gz}. */
  public String extension() {
    return compression == Compression.GZIP ? ".tfrecord.gz" : ".tfrecord";
  }
}
