package io.s3dlio.npz.format;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A decoded array: its dtype as stored, its shape, and its values in C (row-major) order,
 * little-endian, whatever the order and byte order of the file. Arrays are held in memory, so one
 * array is at most 2 GiB - 1 bytes.
 *
 * <p>Element accessors take a flat index in C order.
 */
public final class NpyArray {
  private final NpyDtype dtype;
  private final long[] shape;
  private final byte[] data;
  private final ByteBuffer le;
  private final int count;

  /**
   * An array from values already in C order little-endian.
   *
   * @param dtype the dtype (its byte order is what the file had; {@code data} is little-endian)
   */
  public NpyArray(NpyDtype dtype, long[] shape, byte[] data) {
    this.dtype = Objects.requireNonNull(dtype, "dtype is null");
    this.shape = shape.clone();
    this.data = Objects.requireNonNull(data, "data is null");
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    if (n * dtype.itemSize() != data.length) {
      throw new IllegalArgumentException("Cannot make an array of shape " + Arrays.toString(shape) + " and dtype "
          + dtype + " from " + data.length + " bytes (need " + n * dtype.itemSize() + ")");
    }
    this.count = (int) n;
    this.le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Decodes stored bytes: swaps big-endian values to little-endian and reorders Fortran-order
   * data to C order. {@code stored} is not modified.
   */
  public static NpyArray decode(NpyHeader header, byte[] stored, int offset, String source)
      throws NpzFormatException {
    long len = header.dataLength();
    if (len > Integer.MAX_VALUE - 16) {
      throw new NpzFormatException(source, header.dataOffset(), "array of " + len
          + " bytes is larger than 2 GiB, which is not supported");
    }
    if (stored.length - offset < len) {
      throw new NpzFormatException(source, header.dataOffset() + (stored.length - offset), "data ends after "
          + (stored.length - offset) + " of " + len + " bytes (shape " + Arrays.toString(header.shape()) + ", dtype "
          + header.dtype() + ")");
    }
    return adopt(header, Arrays.copyOfRange(stored, offset, offset + (int) len), source);
  }

  /**
   * {@link #decode} of values held in their own array of exactly {@link NpyHeader#dataLength()}
   * bytes, which the array takes over (no copy; big-endian values are swapped in place).
   */
  static NpyArray adopt(NpyHeader header, byte[] data, String source) throws NpzFormatException {
    if (data.length != header.dataLength()) {
      throw new NpzFormatException(source, header.dataOffset() + Math.min(data.length, header.dataLength()),
          "data is " + data.length + " bytes, the header (shape " + Arrays.toString(header.shape()) + ", dtype "
          + header.dtype() + ") needs " + header.dataLength());
    }
    NpyDtype dt = header.dtype();
    byte[] out = data;
    if (dt.order() == ByteOrder.BIG_ENDIAN && dt.swapUnit() > 1) {
      swap(out, dt.swapUnit());
    }
    if (header.fortranOrder() && header.rank() > 1 && header.count() > 1) {
      out = fortranToC(out, header.shape(), dt.itemSize());
    }
    return new NpyArray(dt, header.shape(), out);
  }

  static void swap(byte[] b, int unit) {
    for (int i = 0; i + unit <= b.length; i += unit) {
      for (int lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
        byte t = b[lo];
        b[lo] = b[hi];
        b[hi] = t;
      }
    }
  }

  /** Reorders column-major (Fortran) data to row-major (C) data. */
  static byte[] fortranToC(byte[] f, long[] shape, int itemSize) {
    return permute(f, shape, itemSize, true);
  }

  /** Reorders row-major (C) data to column-major (Fortran) data. */
  static byte[] cToFortran(byte[] c, long[] shape, int itemSize) {
    return permute(c, shape, itemSize, false);
  }

  private static byte[] permute(byte[] src, long[] shape, int itemSize, boolean fromFortran) {
    int rank = shape.length;
    long[] fstride = new long[rank];
    long s = 1;
    for (int k = 0; k < rank; k++) {
      fstride[k] = s;
      s *= shape[k];
    }
    byte[] dst = new byte[src.length];
    int[] idx = new int[rank];
    long fpos = 0;
    int total = (int) s;
    for (int cpos = 0; cpos < total; cpos++) {
      if (fromFortran) {
        System.arraycopy(src, (int) (fpos * itemSize), dst, cpos * itemSize, itemSize);
      } else {
        System.arraycopy(src, cpos * itemSize, dst, (int) (fpos * itemSize), itemSize);
      }
      // advance the C-order index (last axis fastest)
      for (int k = rank - 1; k >= 0; k--) {
        if (++idx[k] < shape[k]) {
          fpos += fstride[k];
          break;
        }
        fpos -= fstride[k] * (idx[k] - 1);
        idx[k] = 0;
      }
    }
    return dst;
  }

  /** The dtype as stored in the file (values here are little-endian regardless). */
  public NpyDtype dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Number of elements. */
  public int count() {
    return count;
  }

  /** The values in C order, little-endian (not a copy: do not modify). */
  public byte[] data() {
    return data;
  }

  public boolean getBoolean(int i) {
    return data[i] != 0;
  }

  /** A signed or unsigned integer element widened to long (uint64 above 2^63 - 1 wraps; see {@link #getUnsignedBig}). */
  public long getLong(int i) {
    int sz = dtype.itemSize();
    int at = i * sz;
    boolean unsigned = dtype.kind() == 'u' || dtype.kind() == 'b';
    switch (sz) {
      case 1:
        return unsigned ? data[at] & 0xffL : data[at];
      case 2:
        return unsigned ? le.getShort(at) & 0xffffL : le.getShort(at);
      case 4:
        return unsigned ? le.getInt(at) & 0xffffffffL : le.getInt(at);
      default:
        return le.getLong(at);
    }
  }

  /** A uint64 element as an exact non-negative integer. */
  public BigInteger getUnsignedBig(int i) {
    long v = getLong(i);
    BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
    return v < 0 ? b.setBit(63) : b;
  }

  /** A float element (float16 widened exactly; float64 narrowed). */
  public float getFloat(int i) {
    switch (dtype.itemSize()) {
      case 2:
        return halfToFloat(le.getShort(i * 2));
      case 4:
        return le.getFloat(i * 4);
      default:
        return (float) le.getDouble(i * 8);
    }
  }

  /** A float element as double. */
  public double getDouble(int i) {
    return dtype.itemSize() == 8 ? le.getDouble(i * 8) : getFloat(i);
  }

  /** Real part of complex element {@code i}. */
  public double getReal(int i) {
    return dtype.itemSize() == 16 ? le.getDouble(i * 16) : le.getFloat(i * 8);
  }

  /** Imaginary part of complex element {@code i}. */
  public double getImag(int i) {
    return dtype.itemSize() == 16 ? le.getDouble(i * 16 + 8) : le.getFloat(i * 8 + 4);
  }

  /** An {@code S} element without its trailing NUL padding (as numpy returns it). */
  public byte[] getBytes(int i) {
    int sz = dtype.itemSize();
    int end = i * sz + sz;
    while (end > i * sz && data[end - 1] == 0) {
      end--;
    }
    return Arrays.copyOfRange(data, i * sz, end);
  }

  /** A {@code U} element without its trailing NUL padding. */
  public String getString(int i) {
    int sz = dtype.itemSize();
    int start = i * sz;
    int end = start + sz;
    while (end > start && le.getInt(end - 4) == 0) {
      end -= 4;
    }
    return new String(data, start, end - start, UTF32LE);
  }

  static final java.nio.charset.Charset UTF32LE = java.nio.charset.Charset.forName("UTF-32LE");

  /** IEEE 754 binary16 to float (exact). */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = bits >>> 10 & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
  }

  /** Encodes a string as a fixed-width {@code U} element of {@code itemSize} bytes. */
  static byte[] utf32(String s) {
    return s.getBytes(UTF32LE);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "NpyArray{" + dtype + " " + Arrays.toString(shape) + "}";
  }
}
