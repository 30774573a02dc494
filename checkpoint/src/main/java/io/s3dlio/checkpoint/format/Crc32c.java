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

  /**
   * The CRC32C of the concatenation A + B from {@code crcA}, {@code crcB} and B's length, without
   * the bytes (zlib's crc32_combine, for the Castagnoli polynomial): lets a writer checksum each
   * byte once and still know the CRC of the tensor and of the whole shard.
   */
  public static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB <= 0) {
      return crcA;
    }
    long[] even = new long[32];
    long[] odd = new long[32];
    odd[0] = 0x82F63B78L;   // the operator of one zero bit
    long row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd);   // two zero bits
    square(odd, even);   // four zero bits
    long c = crcA & 0xFFFF_FFFFL;
    long len = lengthB;
    do {
      square(even, odd);   // one zero byte, then 4, 16...
      if ((len & 1) != 0) {
        c = times(even, c);
      }
      len >>= 1;
      if (len == 0) {
        break;
      }
      square(odd, even);
      if ((len & 1) != 0) {
        c = times(odd, c);
      }
      len >>= 1;
    } while (len != 0);
    return (int) (c ^ (crcB & 0xFFFF_FFFFL));
  }

  private static long times(long[] mat, long vec) {
    long sum = 0;
    for (int i = 0; vec != 0; i++, vec >>>= 1) {
      if ((vec & 1) != 0) {
        sum ^= mat[i];
      }
    }
    return sum;
  }

  private static void square(long[] out, long[] mat) {
    for (int n = 0; n < 32; n++) {
      out[n] = times(mat, mat[n]);
    }
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
