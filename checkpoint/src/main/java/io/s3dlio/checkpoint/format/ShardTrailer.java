package io.s3dlio.checkpoint.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The last 32 bytes of a shard (little-endian):
 * <pre>
 *  0  8  index offset
 *  8  8  index length
 * 16  4  CRC32C of the index bytes
 * 20  4  CRC32C of trailer bytes [0, 20)
 * 24  8  magic "S3DLCKPT"
 * </pre>
 */
public record ShardTrailer(long indexOffset, long indexLength, int indexCrc32c) {
  public static final int LENGTH = 32;

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(indexOffset).putLong(indexLength).putInt(indexCrc32c);
    b.putInt(Crc32c.of(b.array(), 0, 20));
    b.put(ShardHeader.MAGIC);
    return b.array();
  }

  /** Decodes the trailer of a shard of {@code shardSize} bytes whose header is {@code headerLength} bytes. */
  public static ShardTrailer decode(byte[] b, long shardSize, int headerLength) throws FormatException {
    long at = shardSize - LENGTH;
    if (b.length != LENGTH) {
      throw new FormatException("trailer", "shard too short for a trailer", at, null, null);
    }
    ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, 24, 32), ShardHeader.MAGIC)) {
      throw new FormatException("trailer", "no magic \"S3DLCKPT\" in the last 8 bytes (truncated or appended to?)",
          at + 24, null, null);
    }
    int expected = in.getInt(20);
    int actual = Crc32c.of(b, 0, 20);
    if (expected != actual) {
      throw new FormatException("trailer", "trailer CRC32C mismatch", at + 20, expected, actual);
    }
    long off = in.getLong(0);
    long len = in.getLong(8);
    if (off < headerLength || len < 2 || off + len != at) {
      throw new FormatException("trailer", "index at " + off + " length " + len + " does not end where the trailer"
          + " starts (" + at + ")", at, null, null);
    }
    return new ShardTrailer(off, len, in.getInt(16));
  }
}
