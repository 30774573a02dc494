package io.s3dlio.checkpoint.format;

import java.util.zip.CRC32C;

/** CRC32C (Castagnoli) helpers; values are unsigned 32-bit numbers held in an int. */
public final class Crc32c {
  private Crc32c() {
  }

  public static int of(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  public static int of(byte[] b) {
    return of(b, 0, b.length);
  }

  public static int of(java.nio.ByteBuffer b) {
    CRC32C c = new CRC32C();
    c.update(b.duplicate());
    return (int) c.getValue();
  }

  /** {@code 0x} and eight hex digits. */
  public static String hex(int crc) {
    return String.format("0x%08x", crc);
  }

  /** The unsigned value, as written in JSON. */
  public static long unsigned(int crc) {
    return crc & 0xFFFF_FFFFL;
  }
}
