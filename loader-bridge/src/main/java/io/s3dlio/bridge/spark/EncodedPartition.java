package io.s3dlio.bridge.spark;

import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.upload.Receipt;
import java.io.Serializable;

/**
 * What an executor task returns for one partition of a unit: the rows it found (count and checksum
 * of all of them, for the determinism check), and either the receipt of its upload (the data went
 * to the feed's inbox) or the data itself: the output positions of the rows it delivers (ascending)
 * and those rows as one Arrow record batch, in that order. No data and no receipt when the content
 * differs from the first computation (then nothing is delivered).
 */
public record EncodedPartition(int partition, long count, int checksum, long[] positions, IpcRecordBatch batch,
    Receipt receipt) implements Serializable {

  /** The data, as held by the driver. */
  public static EncodedPartition of(int partition, long count, int checksum, long[] positions, IpcRecordBatch batch) {
    return new EncodedPartition(partition, count, checksum, positions, batch, null);
  }

  /** Whether the task found other rows than the plan expects (and delivered nothing). */
  public boolean differs() {
    return batch == null && receipt == null;
  }

  public long heldBytes() {
    return (batch == null ? 0 : batch.heldBytes()) + (positions == null ? 0 : 8L * positions.length);
  }
}
