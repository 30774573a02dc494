package io.s3dlio.tfrecord.index;

import java.io.IOException;

/** Receives one framed record found by a {@link HeaderScanner}. */
@FunctionalInterface
public interface RecordSink {
  /**
   * @param offset byte offset of the record's header
   * @param size whole framed size: 8 + 4 + payload + 4
   */
  void record(long offset, long size) throws IOException;
}
