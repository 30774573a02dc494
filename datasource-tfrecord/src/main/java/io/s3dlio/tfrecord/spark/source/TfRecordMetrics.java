package io.s3dlio.tfrecord.spark.source;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/** The custom metrics a TFRecord scan shows in the Spark UI (summed over tasks). */
public final class TfRecordMetrics {
  public static final String RECORDS_READ = "recordsRead";
  public static final String BYTES_READ = "tfrecordBytesRead";
  public static final String CORRUPT_SKIPPED = "corruptRecordsSkipped";
  public static final String INDEX_SPLITS = "splitsFromIndex";
  public static final String RESYNC_SPLITS = "splitsFromResync";

  private TfRecordMetrics() {
  }

  static CustomMetric[] all() {
    return new CustomMetric[] {new RecordsRead(), new BytesRead(), new CorruptSkipped(), new IndexSplits(),
        new ResyncSplits()};
  }

  static CustomTaskMetric task(String name, long value) {
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

  /** Records returned. */
  public static final class RecordsRead extends CustomSumMetric {
    @Override
    public String name() {
      return RECORDS_READ;
    }

    @Override
    public String description() {
      return "TFRecord records read";
    }
  }

  /** File bytes read (compressed bytes for compressed files). */
  public static final class BytesRead extends CustomSumMetric {
    @Override
    public String name() {
      return BYTES_READ;
    }

    @Override
    public String description() {
      return "TFRecord file bytes read";
    }
  }

  /** Corrupt records skipped under ignoreCorruptRecords. */
  public static final class CorruptSkipped extends CustomSumMetric {
    @Override
    public String name() {
      return CORRUPT_SKIPPED;
    }

    @Override
    public String description() {
      return "TFRecord corrupt records skipped";
    }
  }

  /** Input partitions whose boundaries came from a DALI index. */
  public static final class IndexSplits extends CustomSumMetric {
    @Override
    public String name() {
      return INDEX_SPLITS;
    }

    @Override
    public String description() {
      return "TFRecord splits from an index";
    }
  }

  /** Input partitions that found their first record by resynchronising. */
  public static final class ResyncSplits extends CustomSumMetric {
    @Override
    public String name() {
      return RESYNC_SPLITS;
    }

    @Override
    public String description() {
      return "TFRecord splits from resync";
    }
  }
}
