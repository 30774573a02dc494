package io.s3dlio.bridge.upload;

import io.s3dlio.bridge.arrow.IpcRecordBatch;

/**
 * The data of one uploaded partition: the output positions of its rows (ascending) and those rows
 * as one Arrow record batch.
 */
public record Parcel(long[] positions, IpcRecordBatch batch) {
  /** Bytes held. */
  public long bytes() {
    return batch.heldBytes() + 8L * positions.length;
  }
}
