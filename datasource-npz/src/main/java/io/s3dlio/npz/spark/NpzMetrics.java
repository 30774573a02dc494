package io.s3dlio.npz.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The scan's Spark UI metrics (SQL tab, on the BatchScan node). Task metrics are summed over the
 * tasks; driver metrics describe the planning. Spark instantiates each metric class by name, so
 * each has a public no-argument constructor.
 */
public final class NpzMetrics {
  private NpzMetrics() {
  }

  public static final String FILES_READ = "npzFilesRead";
  public static final String BYTES_READ = "npzBytesRead";
  public static final String RANGED_READS = "npzRangedReads";
  public static final String ARRAYS_READ = "npzArraysRead";
  public static final String ROW_RANGE_SPLITS = "npzRowRangeSplits";
  public static final String CORRUPT_FILES_SKIPPED = "npzCorruptFilesSkipped";
  public static final String MISSING_FILES_SKIPPED = "npzMissingFilesSkipped";
  public static final String FILES_PLANNED = "npzFilesPlanned";
  public static final String PARTITIONS_PLANNED = "npzPartitionsPlanned";
  public static final String FILES_OPENED_TO_PLAN = "npzFilesOpenedToPlan";

  /** Every metric of the scan (task and driver). */
  static CustomMetric[] all() {
    return new CustomMetric[] {new FilesRead(), new BytesRead(), new RangedReads(), new ArraysRead(),
        new RowRangeSplits(), new CorruptFilesSkipped(), new MissingFilesSkipped(), new FilesPlanned(),
        new PartitionsPlanned(), new FilesOpenedToPlan()};
  }

  static CustomTaskMetric value(String name, long value) {
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

  /** Files opened by tasks (file-layout reads that need no array open none). */
  public static final class FilesRead extends Named {
    public FilesRead() {
      super(FILES_READ, "npz files opened");
    }
  }

  /** Bytes fetched from storage (zip directories, headers, member data). */
  public static final class BytesRead extends Named {
    public BytesRead() {
      super(BYTES_READ, "npz bytes fetched");
    }
  }

  /** Ranged reads made (each one request on an object store). */
  public static final class RangedReads extends Named {
    public RangedReads() {
      super(RANGED_READS, "npz ranged reads");
    }
  }

  /** Arrays (members) whose data was fetched and decoded. */
  public static final class ArraysRead extends Named {
    public ArraysRead() {
      super(ARRAYS_READ, "npz arrays decoded");
    }
  }

  /** Sample layout: parts of files read as row ranges (one ranged read per array). */
  public static final class RowRangeSplits extends Named {
    public RowRangeSplits() {
      super(ROW_RANGE_SPLITS, "npz row-range splits read");
    }
  }

  /** Files skipped by {@code ignoreCorruptFiles}. */
  public static final class CorruptFilesSkipped extends Named {
    public CorruptFilesSkipped() {
      super(CORRUPT_FILES_SKIPPED, "npz corrupt files skipped");
    }
  }

  /** Files skipped by {@code ignoreMissingFiles}. */
  public static final class MissingFilesSkipped extends Named {
    public MissingFilesSkipped() {
      super(MISSING_FILES_SKIPPED, "npz missing files skipped");
    }
  }

  /** Driver: files left after partition pruning. */
  public static final class FilesPlanned extends Named {
    public FilesPlanned() {
      super(FILES_PLANNED, "npz files planned");
    }
  }

  /** Driver: input partitions (tasks) planned. */
  public static final class PartitionsPlanned extends Named {
    public PartitionsPlanned() {
      super(PARTITIONS_PLANNED, "npz partitions planned");
    }
  }

  /** Driver: large sample-layout files whose headers were read to decide on row-range splits. */
  public static final class FilesOpenedToPlan extends Named {
    public FilesOpenedToPlan() {
      super(FILES_OPENED_TO_PLAN, "npz files opened to plan");
    }
  }

  /** A summed metric with a fixed name and description. */
  abstract static class Named extends CustomSumMetric {
    private final String name;
    private final String description;

    Named(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }
  }
}
