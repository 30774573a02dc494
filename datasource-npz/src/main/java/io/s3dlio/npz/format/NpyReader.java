package io.s3dlio.npz.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads .npy arrays (versions 1.0, 2.0, 3.0) from bytes or streams. */
public final class NpyReader {
  /** Largest header accepted (numpy itself limits headers to 10,000 bytes by default). */
  static final int MAX_HEADER = 1 << 20;

  private NpyReader() {
  }

  /** Decodes a whole .npy held in memory. */
  public static NpyArray read(byte[] file, String source) throws NpzFormatException {
    NpyHeader h = NpyHeader.parse(file, file.length, source);
    return NpyArray.decode(h, file, (int) h.dataOffset(), source);
  }

  /** Reads the header from a stream positioned at the start of the .npy; leaves it at the data. */
  public static NpyHeader readHeader(InputStream in, String source) throws IOException {
    byte[] prelude = new byte[NpyHeader.PRELUDE_MAX];
    int n = readUpTo(in, prelude, 0, 10);
    if (n >= 7 && n < 12 && (prelude[6] == 2 || prelude[6] == 3)) {
      n += readUpTo(in, prelude, n, 12 - n);
    }
    long total = NpyHeader.headerLength(prelude, n, source);
    if (total > MAX_HEADER) {
      throw new NpzFormatException(source, 8, "header length " + total + " is larger than " + MAX_HEADER);
    }
    byte[] all = Arrays.copyOf(prelude, (int) total);
    int got = n + readUpTo(in, all, n, (int) total - n);
    return NpyHeader.parse(all, got, source);
  }

  /** Reads a whole .npy from a stream (the header, then exactly the data it announces). */
  public static NpyArray read(InputStream in, String source) throws IOException {
    NpyHeader h = readHeader(in, source);
    long len = h.dataLength();
    if (len > Integer.MAX_VALUE - 16) {
      throw new NpzFormatException(source, h.dataOffset(), "array of " + len
          + " bytes is larger than 2 GiB, which is not supported");
    }
    byte[] data = new byte[(int) len];
    int got = readUpTo(in, data, 0, data.length);
    if (got < len) {
      throw new NpzFormatException(source, h.dataOffset() + got, "data ends after " + got + " of " + len
          + " bytes (shape " + Arrays.toString(h.shape()) + ", dtype " + h.dtype() + ")");
    }
    return NpyArray.adopt(h, data, source);
  }

  static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int r = in.read(b, off + total, len - total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }
}
