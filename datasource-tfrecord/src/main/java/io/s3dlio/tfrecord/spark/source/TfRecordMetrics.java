package io.s3dlio.tfrecord.spark.source;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The custom metrics a TFRecord scan shows in the Spark UI (SQL tab, on the scan node), summed
 * over tasks. {@link Totals} holds one task's values across the file splits it reads.
 */
public final class TfRecordMetrics {
  public static final String RECORDS_READ = "recordsRead";
  public static final String BYTES_READ = "tfrecordBytesRead";
  public static final String FILES_OPENED = "filesOpened";
  public static final String CORRUPT_SKIPPED = "corruptRecordsSkipped";
  public static final String INDEX_SPLITS = "splitsFromIndex";
  public static final String RESYNC_SPLITS = "splitsFromResync";

  /** Every metric name, in the order {@link Totals#values()} reports them. */
  public static final String[] NAMES = {RECORDS_READ, BYTES_READ, FILES_OPENED, CORRUPT_SKIPPED, INDEX_SPLITS,
      RESYNC_SPLITS};

  private static final String[] DESCRIPTIONS = {"TFRecord records read", "TFRecord file bytes read",
      "TFRecord files opened (once per split)", "TFRecord corrupt records skipped",
      "TFRecord splits aligned by an index", "TFRecord splits aligned by resync"};

  private TfRecordMetrics() {
  }

  static CustomMetric[] all() {
    CustomMetric[] out = new CustomMetric[NAMES.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = metric(i);
    }
    return out;
  }

  private static CustomMetric metric(int i) {
    return switch (i) {
      case 0 -> new RecordsRead();
      case 1 -> new BytesRead();
      case 2 -> new FilesOpened();
      case 3 -> new CorruptSkipped();
      case 4 -> new IndexSplits();
      default -> new ResyncSplits();
    };
  }

  /**
   * One task's counts: every split it reads adds to them (Spark's FilePartitionReader reports no
   * metrics of the per-file readers it chains, so the task's reader reports these).
   */
  static final class Totals {
    long records;
    long bytes;
    long files;
    long corrupt;
    long indexSplits;
    long resyncSplits;
    /** The split being read: its live counts are added to the closed ones. */
    TfRecordFileReader current;

    CustomTaskMetric[] values() {
      long liveBytes = current == null ? 0 : current.bytesRead();
      long liveCorrupt = current == null ? 0 : current.corruptRecords();
      long[] v = {records, bytes + liveBytes, files, corrupt + liveCorrupt, indexSplits, resyncSplits};
      CustomTaskMetric[] out = new CustomTaskMetric[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = task(NAMES[i], v[i]);
      }
      return out;
    }
  }

  private static CustomTaskMetric task(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }

  private abstract static class Sum extends CustomSumMetric {
    private final int i;

    Sum(int i) {
      this.i = i;
    }

    @Override
    public String name() {
      return NAMES[i];
    }

    @Override
    public String description() {
      return DESCRIPTIONS[i];
    }
  }

  /** Records returned. */
  public static final class RecordsRead extends Sum {
    public RecordsRead() {
      super(0);
    }
  }

  /** File bytes read (compressed bytes for compressed files). */
  public static final class BytesRead extends Sum {
    public BytesRead() {
      super(1);
    }
  }

  /** Files opened: once per split read (a file cut into three splits counts three). */
  public static final class FilesOpened extends Sum {
    public FilesOpened() {
      super(2);
    }
  }

  /** Corrupt records skipped under ignoreCorruptRecords. */
  public static final class CorruptSkipped extends Sum {
    public CorruptSkipped() {
      super(3);
    }
  }

  /** Splits (after a file's first) whose first record came from a DALI index. */
  public static final class IndexSplits extends Sum {
    public IndexSplits() {
      super(4);
    }
  }

  /** Splits (after a file's first) that found their first record by resynchronising. */
  public static final class ResyncSplits extends Sum {
    public ResyncSplits() {
      super(5);
    }
  }
}
