package io.s3dlio.checkpoint.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The header at offset 0 of a shard (little-endian; see docs/checkpoint-format.md):
 * <pre>
 *  0  8  magic "S3DLCKPT"
 *  8  2  format version (1)
 * 10  2  flags: bit 0 = chunks are zstd frames
 * 12  4  header length H = 42 + L
 * 16  8  step
 * 24  4  rank
 * 28  4  world size
 * 32  4  chunk size (most raw bytes in one chunk)
 * 36  2  save id length L
 * 38  L  save id (UTF-8)
 * 38+L 4 CRC32C of bytes [0, 38+L)
 * </pre>
 */
public record ShardHeader(long step, int rank, int worldSize, int chunkSize, boolean zstd, String saveId) {
  public static final byte[] MAGIC = "S3DLCKPT".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  public static final int FIXED_LENGTH = 42;
  /** Longest save id (keeps the header under 1 KiB). */
  public static final int MAX_SAVE_ID = 200;
  static final int FLAG_ZSTD = 1;

  public byte[] encode() {
    byte[] id = saveId.getBytes(StandardCharsets.UTF_8);
    if (id.length > MAX_SAVE_ID) {
      throw new IllegalArgumentException("save id longer than " + MAX_SAVE_ID + " bytes: " + saveId);
    }
    int length = FIXED_LENGTH + id.length;
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putShort((short) VERSION).putShort((short) (zstd ? FLAG_ZSTD : 0)).putInt(length)
        .putLong(step).putInt(rank).putInt(worldSize).putInt(chunkSize).putShort((short) id.length).put(id);
    b.putInt(Crc32c.of(b.array(), 0, length - 4));
    return b.array();
  }

  public int length() {
    return FIXED_LENGTH + saveId.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Decodes a header from the first bytes of a shard ({@code b} may hold more).
   *
   * @throws FormatException naming the field that is wrong
   */
  public static ShardHeader decode(byte[] b) throws FormatException {
    if (b.length < FIXED_LENGTH) {
      throw new FormatException("header", "shard is " + b.length + " bytes, shorter than a header", 0, null, null);
    }
    ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new FormatException("header", "no magic \"S3DLCKPT\" at offset 0 (not a checkpoint shard)", 0, null, null);
    }
    int version = in.getShort() & 0xFFFF;
    int flags = in.getShort() & 0xFFFF;
    int length = in.getInt();
    if (length < FIXED_LENGTH || length > FIXED_LENGTH + MAX_SAVE_ID || length > b.length) {
      throw new FormatException("header", "header length " + length + " out of range", 12, null, null);
    }
    int expected = in.getInt(length - 4);
    int actual = Crc32c.of(b, 0, length - 4);
    if (expected != actual) {
      throw new FormatException("header", "header CRC32C mismatch", length - 4, expected, actual);
    }
    if (version != VERSION) {
      throw new FormatException("header", "format version " + version + " (this reader knows " + VERSION + ")", 8, null, null);
    }
    long step = in.getLong();
    int rank = in.getInt();
    int world = in.getInt();
    int chunk = in.getInt();
    int idLen = in.getShort() & 0xFFFF;
    if (FIXED_LENGTH + idLen != length) {
      throw new FormatException("header", "save id length " + idLen + " disagrees with header length " + length, 36, null, null);
    }
    String id = new String(b, 38, idLen, StandardCharsets.UTF_8);
    return new ShardHeader(step, rank, world, chunk, (flags & FLAG_ZSTD) != 0, id);
  }
}
