package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.RangeSource;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * What one task read, reported to Spark as the values of the {@link NpzMetrics} task metrics.
 *
 * <p>Spark asks for the values every 100 rows ({@code CustomMetrics.NUM_ROWS_PER_UPDATE}) and, each
 * time, groups the reported metrics by name into a new map and sets each one: a cost per reported
 * metric and per 100 rows (~4 % of the tasks' CPU on 800,000 small rows, docs/npz.md). The values
 * change only when a file is opened or closed, so {@link #values} returns the same array between
 * changes, of views that read the counters (nothing allocated per call), holding only the
 * metrics that are not zero (a metric not reported keeps its initial zero; a counter never goes
 * back to zero).
 */
final class ReadCounters {
  private static final String[] NAMES = {NpzMetrics.FILES_READ, NpzMetrics.BYTES_READ, NpzMetrics.RANGED_READS,
      NpzMetrics.ARRAYS_READ, NpzMetrics.ROW_RANGE_SPLITS, NpzMetrics.CORRUPT_FILES_SKIPPED,
      NpzMetrics.MISSING_FILES_SKIPPED};
  private static final int FILES = 0;
  private static final int BYTES = 1;
  private static final int REQUESTS = 2;
  private static final int ARRAYS = 3;
  private static final int ROW_RANGES = 4;
  private static final int CORRUPT = 5;
  private static final int MISSING = 6;
  private static final CustomTaskMetric[] NONE = new CustomTaskMetric[0];

  private final long[] counts = new long[NAMES.length];
  private final CustomTaskMetric[] views = new CustomTaskMetric[NAMES.length];
  /** The metrics last reported: bit i set when {@code counts[i]} was not zero. */
  private int reportedMask;
  private CustomTaskMetric[] reported = NONE;

  ReadCounters() {
    for (int i = 0; i < NAMES.length; i++) {
      int at = i;
      views[i] = new CustomTaskMetric() {
        @Override
        public String name() {
          return NAMES[at];
        }

        @Override
        public long value() {
          return counts[at];
        }
      };
    }
  }

  /** A file was opened and read through {@code src} (call once, when done with it). */
  void fileRead(RangeSource src) {
    counts[FILES]++;
    counts[BYTES] += src.bytesRead();
    counts[REQUESTS] += src.requests();
  }

  void arrayRead() {
    counts[ARRAYS]++;
  }

  void rowRangeRead() {
    counts[ROW_RANGES]++;
  }

  void corruptFileSkipped() {
    counts[CORRUPT]++;
  }

  void missingFileSkipped() {
    counts[MISSING]++;
  }

  /** Continues from the values of an earlier reader of the same task. */
  void init(CustomTaskMetric[] earlier) {
    for (CustomTaskMetric m : earlier) {
      for (int i = 0; i < NAMES.length; i++) {
        if (NAMES[i].equals(m.name())) {
          counts[i] += m.value();
        }
      }
    }
  }

  /**
   * The metrics that are not zero, as views of the counters: the same array until another metric
   * becomes non-zero.
   */
  CustomTaskMetric[] values() {
    int mask = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 0) {
        mask |= 1 << i;
      }
    }
    if (mask != reportedMask) {
      CustomTaskMetric[] r = new CustomTaskMetric[Integer.bitCount(mask)];
      for (int i = 0, n = 0; i < counts.length; i++) {
        if ((mask & (1 << i)) != 0) {
          r[n++] = views[i];
        }
      }
      reported = r;
      reportedMask = mask;
    }
    return reported;
  }
}
