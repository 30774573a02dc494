package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import java.util.Locale;
import org.apache.hadoop.fs.Path;

/** Whether a TFRecord file may be cut into splits: the same answer for the V2 scan and the V1 format. */
public final class FileSplits {
  private FileSplits() {
  }

  /** The compression a file name says (.gz, .gzip, .zlib, .zz), or null. */
  public static Compression compressionByName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz") || n.endsWith(".gzip")) {
      return Compression.GZIP;
    }
    if (n.endsWith(".zlib") || n.endsWith(".zz")) {
      return Compression.ZLIB;
    }
    return null;
  }

  /**
   * Why a file cannot be split, or null when it can: a compressed stream cannot be entered in the
   * middle; without indexes and without resynchronisation a split has no way to find its first
   * record. (A file whose compression is found only from its bytes is split anyway: the reader
   * gives the whole file to its first split.)
   */
  public static String unsplittableReason(TfRecordOptions options, Path path) {
    Compression c = options.compression() != null ? options.compression() : compressionByName(path.getName());
    if (c != null && c != Compression.NONE) {
      return "the file is " + c.name().toLowerCase(Locale.ROOT) + "-compressed";
    }
    if (options.useIndex() == TfRecordOptions.UseIndex.NEVER && !options.splitWithoutIndex()) {
      return "useIndex=never and splitWithoutIndex=false";
    }
    return null;
  }
}
