package io.s3dlio.bridge.spark;

import java.util.zip.CRC32C;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * A checksum of a partition's content, in order: CRC32C over each row's {@code UnsafeRow} bytes
 * (length, then bytes). Equal values give equal {@code UnsafeRow} bytes, so a recomputation of a
 * deterministic partition gives the same checksum.
 */
final class RowChecksum {
  private final StructType schema;
  private final CRC32C crc = new CRC32C();
  private final byte[] length = new byte[4];
  private UnsafeProjection projection;
  private long rows;

  RowChecksum(StructType schema) {
    this.schema = schema;
  }

  void add(InternalRow row) {
    UnsafeRow u;
    if (row instanceof UnsafeRow ur) {
      u = ur;
    } else {
      if (projection == null) {
        projection = UnsafeProjection.create(schema);
      }
      u = projection.apply(row);
    }
    int size = u.getSizeInBytes();
    length[0] = (byte) size;
    length[1] = (byte) (size >>> 8);
    length[2] = (byte) (size >>> 16);
    length[3] = (byte) (size >>> 24);
    crc.update(length, 0, 4);
    if (u.getBaseObject() instanceof byte[] arr) {
      crc.update(arr, (int) (u.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET), size);
    } else {
      crc.update(u.getBytes());
    }
    rows++;
  }

  long rows() {
    return rows;
  }

  int value() {
    return (int) crc.getValue();
  }
}
