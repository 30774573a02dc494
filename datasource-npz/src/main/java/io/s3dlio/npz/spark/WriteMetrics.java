package io.s3dlio.npz.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * What a write job wrote, as named accumulators (Spark UI, stage page): files and bytes including
 * the file layout's extra per-row files, which Spark's own "number of written files" does not see.
 * Spark merges the values of successful task attempts only, so retried and speculative attempts
 * are not counted twice.
 */
final class WriteMetrics implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String FILES = "npz files written";
  static final String BYTES = "npz bytes written";
  static final String ARRAYS = "npz arrays written";

  private final LongAccumulator files;
  private final LongAccumulator bytes;
  private final LongAccumulator arrays;

  WriteMetrics(SparkContext sc) {
    this.files = sc.longAccumulator(FILES);
    this.bytes = sc.longAccumulator(BYTES);
    this.arrays = sc.longAccumulator(ARRAYS);
  }

  void fileWritten(long size, int arrayCount) {
    files.add(1);
    bytes.add(size);
    arrays.add(arrayCount);
  }
}
