package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.RangeSource;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/** What one task read, reported to Spark as the values of the {@link NpzMetrics} task metrics. */
final class ReadCounters {
  private long files;
  private long bytes;
  private long requests;
  private long arrays;
  private long rowRanges;
  private long corrupt;
  private long missing;

  /** A file was opened and read through {@code src} (call once, when done with it). */
  void fileRead(RangeSource src) {
    files++;
    bytes += src.bytesRead();
    requests += src.requests();
  }

  void arrayRead() {
    arrays++;
  }

  void rowRangeRead() {
    rowRanges++;
  }

  void corruptFileSkipped() {
    corrupt++;
  }

  void missingFileSkipped() {
    missing++;
  }

  /** Continues from the values of an earlier reader of the same task. */
  void init(CustomTaskMetric[] earlier) {
    for (CustomTaskMetric m : earlier) {
      switch (m.name()) {
        case NpzMetrics.FILES_READ -> files += m.value();
        case NpzMetrics.BYTES_READ -> bytes += m.value();
        case NpzMetrics.RANGED_READS -> requests += m.value();
        case NpzMetrics.ARRAYS_READ -> arrays += m.value();
        case NpzMetrics.ROW_RANGE_SPLITS -> rowRanges += m.value();
        case NpzMetrics.CORRUPT_FILES_SKIPPED -> corrupt += m.value();
        case NpzMetrics.MISSING_FILES_SKIPPED -> missing += m.value();
        default -> {
          // not ours
        }
      }
    }
  }

  CustomTaskMetric[] values() {
    return new CustomTaskMetric[] {
        NpzMetrics.value(NpzMetrics.FILES_READ, files),
        NpzMetrics.value(NpzMetrics.BYTES_READ, bytes),
        NpzMetrics.value(NpzMetrics.RANGED_READS, requests),
        NpzMetrics.value(NpzMetrics.ARRAYS_READ, arrays),
        NpzMetrics.value(NpzMetrics.ROW_RANGE_SPLITS, rowRanges),
        NpzMetrics.value(NpzMetrics.CORRUPT_FILES_SKIPPED, corrupt),
        NpzMetrics.value(NpzMetrics.MISSING_FILES_SKIPPED, missing)};
  }
}
