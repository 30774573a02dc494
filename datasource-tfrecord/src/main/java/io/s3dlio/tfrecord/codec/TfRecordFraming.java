package io.s3dlio.tfrecord.codec;

/**
 * The TFRecord framing of one record, the same in every TFRecord file:
 * <pre>
 *   uint64 length          (little-endian)
 *   uint32 masked_crc32c(length bytes)
 *   byte   data[length]
 *   uint32 masked_crc32c(data)
 * </pre>
 * Pure functions on byte arrays; no I/O.
 */
public final class TfRecordFraming {
  /** Length plus length CRC. */
  public static final int HEADER_SIZE = 12;
  /** Payload CRC. */
  public static final int FOOTER_SIZE = 4;
  /** Bytes of framing around each payload. */
  public static final int OVERHEAD = HEADER_SIZE + FOOTER_SIZE;
  /** Largest payload this library reads into one array. */
  public static final long MAX_PAYLOAD = Integer.MAX_VALUE - 64;

  private TfRecordFraming() {
  }

  /** The declared payload length of the header at {@code off} (unsigned; may exceed Long.MAX_VALUE as negative). */
  public static long length(byte[] b, int off) {
    return readLongLe(b, off);
  }

  /** The stored masked CRC of the length. */
  public static int storedLengthCrc(byte[] b, int off) {
    return readIntLe(b, off + 8);
  }

  /** Whether the header at {@code off} has a length CRC that matches its length. */
  public static boolean isValidHeader(byte[] b, int off) {
    return MaskedCrc32c.of(b, off, 8) == storedLengthCrc(b, off);
  }

  /** Writes the 12-byte header for a payload of {@code length} bytes at {@code off}. */
  public static void writeHeader(byte[] dst, int off, long length) {
    writeLongLe(dst, off, length);
    writeIntLe(dst, off + 8, MaskedCrc32c.of(dst, off, 8));
  }

  /**
   * Checks the header at {@code off} and returns its payload length.
   *
   * @param source file named in errors
   * @param offset byte offset of the record, named in errors
   * @param decompressed whether {@code offset} counts decompressed bytes (said in errors)
   * @param verifyCrc whether to check the length CRC
   * @throws TfRecordFormatException on a length CRC mismatch or a length no record can have
   */
  public static long checkHeader(byte[] b, int off, String source, long offset, boolean decompressed,
      boolean verifyCrc) throws TfRecordFormatException {
    long length = length(b, off);
    if (verifyCrc) {
      int stored = storedLengthCrc(b, off);
      int computed = MaskedCrc32c.of(b, off, 8);
      if (stored != computed) {
        throw new TfRecordFormatException(source, offset, decompressed, TfRecordFormatException.Problem.BAD_LENGTH_CRC,
            "length CRC mismatch (stored " + hex(stored) + ", computed " + hex(computed) + " for declared length "
                + Long.toUnsignedString(length) + ")");
      }
    }
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new TfRecordFormatException(source, offset, decompressed, TfRecordFormatException.Problem.BAD_LENGTH,
          "declared payload length " + Long.toUnsignedString(length) + " is larger than " + MAX_PAYLOAD + " bytes");
    }
    return length;
  }

  /** The error for a stream that ends after {@code have} bytes of a 12-byte header. */
  public static TfRecordFormatException truncatedHeader(String source, long offset, boolean decompressed, int have) {
    return new TfRecordFormatException(source, offset, decompressed, TfRecordFormatException.Problem.TRUNCATED_HEADER,
        "truncated header: the file ends " + have + " bytes into the " + HEADER_SIZE + "-byte record header");
  }

  /** The error for a stream that ends {@code missing} bytes before the end of a record of {@code length}. */
  public static TfRecordFormatException truncatedPayload(String source, long offset, boolean decompressed,
      long length, long missing) {
    return new TfRecordFormatException(source, offset, decompressed, TfRecordFormatException.Problem.TRUNCATED_PAYLOAD,
        "truncated record: declared payload length " + length + " needs " + frameSize(length)
            + " bytes with framing, but the file ends " + missing + " bytes early");
  }

  /** Whole framed size of a record with this payload length. */
  public static long frameSize(long payloadLength) {
    return payloadLength + OVERHEAD;
  }

  public static long readLongLe(byte[] b, int off) {
    return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24
        | (b[off + 4] & 0xffL) << 32 | (b[off + 5] & 0xffL) << 40 | (b[off + 6] & 0xffL) << 48
        | (b[off + 7] & 0xffL) << 56;
  }

  public static int readIntLe(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
  }

  public static void writeLongLe(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  public static void writeIntLe(byte[] b, int off, int v) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  /** "0x" and eight hex digits. */
  static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
