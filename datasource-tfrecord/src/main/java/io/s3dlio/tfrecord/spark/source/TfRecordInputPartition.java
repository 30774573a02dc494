package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.Compression;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * Bytes {@code [start, end)} of one file: the records whose first byte lies in that range.
 *
 * @param compression the file's compression if known at planning (null: detect when reading)
 * @param kind how the range was cut
 * @param partitionValues the values of the partition columns (in the scan's partition schema)
 */
public record TfRecordInputPartition(String path, long length, long start, long end, Compression compression,
    Kind kind, InternalRow partitionValues) implements InputPartition {

  /** How a partition's range was planned. */
  public enum Kind {
    /** The whole file. */
    WHOLE_FILE,
    /** Cut at record boundaries taken from a DALI index. */
    INDEX,
    /** Cut at a byte offset; the reader resynchronises to the first record boundary. */
    RESYNC
  }

  /** Whether start is a known record boundary. */
  public boolean startsAtBoundary() {
    return start == 0 || kind == Kind.INDEX;
  }

  @Override
  public String toString() {
    return path + " [" + start + ", " + end + ") " + kind;
  }
}
