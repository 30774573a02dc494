package io.s3dlio.tfrecord.codec;

import java.util.zip.CRC32C;

/**
 * The checksum of the TFRecord framing: CRC32C (Castagnoli), masked as TensorFlow does
 * ({@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}) so that a CRC of bytes that contain CRCs
 * stays well distributed.
 */
public final class MaskedCrc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private MaskedCrc32c() {
  }

  /** The masked CRC32C of {@code len} bytes of {@code b} from {@code off}. */
  public static int of(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return mask((int) crc.getValue());
  }

  /** Masks a raw CRC32C value. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }
}
