package io.s3dlio.tfrecord.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * TFRecord file compression, as TensorFlow's {@code compression_type}: none, GZIP (RFC 1952, one
 * or more members) or ZLIB (RFC 1950), applied to the whole framed stream.
 */
public enum Compression {
  NONE,
  GZIP,
  ZLIB;

  /** Bytes {@link #detect} wants to look at. */
  public static final int DETECT_BYTES = 12;

  /**
   * Guesses the compression from the first bytes of a file. A valid uncompressed header (length
   * plus matching length CRC) wins, so an uncompressed file whose first length happens to look
   * like a zlib header is not mistaken for one; then the GZIP magic {@code 1f 8b}; then a zlib
   * header (deflate method, window at most 32 KiB, check bits right). Anything else is
   * {@link #NONE}, and the reader reports what is wrong with the framing.
   */
  public static Compression detect(byte[] head, int n) {
    if (n >= DETECT_BYTES && TfRecordFraming.isValidHeader(head, 0)) {
      return NONE;
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (n >= 2) {
      int cmf = head[0] & 0xff;
      int flg = head[1] & 0xff;
      if ((cmf & 0x0f) == 8 && (cmf >>> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0 && (flg & 0x20) == 0) {
        return ZLIB;
      }
    }
    return NONE;
  }

  /** Parses {@code none|gzip|zlib} (any case; "" means none). */
  public static Compression parse(String s) {
    String t = s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("NONE") || t.equals("UNCOMPRESSED")) {
      return NONE;
    }
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot use compression '" + s + "': expected none, gzip or zlib", e);
    }
  }

  /** The stream of uncompressed bytes read through {@code raw}. */
  public InputStream decompress(InputStream raw) throws IOException {
    switch (this) {
      case GZIP:
        return new GZIPInputStream(raw, 64 * 1024);
      case ZLIB:
        return new InflaterInputStream(raw, new java.util.zip.Inflater(), 64 * 1024);
      default:
        return raw;
    }
  }

  /** A stream that compresses into {@code raw}; closing it finishes the compressed stream and closes raw. */
  public OutputStream compress(OutputStream raw) throws IOException {
    switch (this) {
      case GZIP:
        return new GZIPOutputStream(raw, 64 * 1024);
      case ZLIB:
        return new DeflaterOutputStream(raw, new Deflater(Deflater.DEFAULT_COMPRESSION), 64 * 1024) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              def.end();
            }
          }
        };
      default:
        return raw;
    }
  }
}
