package io.s3dlio.tfrecord.spark.io;

import java.io.Closeable;
import java.io.IOException;

/** The records of one input partition, one at a time. The payload is valid until the next call. */
public interface RecordSource extends Closeable {
  /**
   * Moves to the next record.
   *
   * @return false at the end of the partition
   * @throws io.s3dlio.tfrecord.codec.TfRecordFormatException on a corrupt record (unless skipping)
   */
  boolean next() throws IOException;

  /** The array holding the payload (null when the source skips payloads). */
  byte[] payloadArray();

  int payloadOffset();

  int payloadLength();

  /** Byte offset of the current record (of the decompressed stream, for compressed files). */
  long recordOffset();

  /** Corrupt records skipped so far. */
  long corruptRecords();

  /** File bytes consumed so far (compressed bytes for compressed files, when known). */
  long bytesRead();

  /** Whether a resynchronisation found this partition's first record. */
  boolean resynced();
}
