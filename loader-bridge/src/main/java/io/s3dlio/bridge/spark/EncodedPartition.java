package io.s3dlio.bridge.spark;

import io.s3dlio.bridge.arrow.IpcRecordBatch;
import java.io.Serializable;

/**
 * What an executor task returns for one partition of a unit: the rows it found (count and checksum
 * of all of them, for the determinism check), the output positions of the rows it delivers
 * (ascending) and those rows as one Arrow record batch, in that order. {@code batch} is null when the
 * content differs from the first computation (then nothing is delivered).
 */
public record EncodedPartition(int partition, long count, int checksum, long[] positions, IpcRecordBatch batch)
    implements Serializable {

  public long heldBytes() {
    return (batch == null ? 0 : batch.heldBytes()) + 8L * positions.length;
  }
}
