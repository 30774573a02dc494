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

  /** As the format writes it in JSON: eight lowercase hex digits, e.g. {@code "0a1b2c3d"}. */
  public static String json(int crc) {
    return String.format("%08x", crc);
  }

  /** Parses {@link #json(int)}'s form; throws {@link IllegalArgumentException} otherwise. */
  public static int parseJson(String s) {
    if (s.length() != 8 || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("'" + s + "' is not a CRC32C of 8 lowercase hex digits");
    }
    return (int) Long.parseLong(s, 16);
  }
}
