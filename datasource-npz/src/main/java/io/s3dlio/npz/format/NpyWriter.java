package io.s3dlio.npz.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes .npy arrays the way numpy 1.24 does: little-endian, C order (or Fortran order on
 * request), the smallest header version that fits, data aligned to 64 bytes.
 */
public final class NpyWriter {
  private NpyWriter() {
  }

  /** Writes {@code array} in C order, little-endian. */
  public static void write(NpyArray array, OutputStream out) throws IOException {
    NpyHeader h = NpyHeader.of(array.dtype().littleEndian(), array.shape(), false);
    out.write(h.encode());
    out.write(array.data());
  }

  /** Writes {@code array} in Fortran order, little-endian. */
  public static void writeFortran(NpyArray array, OutputStream out) throws IOException {
    NpyHeader h = NpyHeader.of(array.dtype().littleEndian(), array.shape(), true);
    out.write(h.encode());
    out.write(array.rank() > 1 ? NpyArray.cToFortran(array.data(), array.shape(), array.dtype().itemSize())
        : array.data());
  }

  /** The bytes of an .npy file of {@code array} (C order, little-endian). */
  public static byte[] toBytes(NpyArray array) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(array.data().length + 128);
    try {
      write(array, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
