package io.s3dlio.npz.format;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A simple (non-structured) numpy dtype: a kind, an item size and a byte order.
 *
 * <p>Supported kinds: {@code b} (bool), {@code i} (int8..int64), {@code u} (uint8..uint64),
 * {@code f} (float16/32/64), {@code c} (complex64/128), {@code S} (fixed-width bytes) and
 * {@code U} (fixed-width UTF-32 text). Object arrays ({@code O}, pickled) and structured or void
 * dtypes ({@code V}, a list descr) are rejected by {@link #parse(String)}, as are datetimes.
 *
 * <p>{@link #order()} is the byte order as stored; decoded data is always little-endian
 * (see {@link NpyArray}).
 */
public final class NpyDtype {
  private final char kind;
  private final int itemSize;
  private final ByteOrder order;

  private NpyDtype(char kind, int itemSize, ByteOrder order) {
    this.kind = kind;
    this.itemSize = itemSize;
    this.order = order;
  }

  public static NpyDtype of(char kind, int itemSize) {
    return of(kind, itemSize, ByteOrder.LITTLE_ENDIAN);
  }

  /** A dtype; {@code order} is ignored for one-byte units (bool, int8, uint8, S). */
  public static NpyDtype of(char kind, int itemSize, ByteOrder order) {
    check(kind, itemSize, String.valueOf(kind) + itemSize);
    return new NpyDtype(kind, itemSize, Objects.requireNonNull(order, "order is null"));
  }

  /**
   * Parses a descr string such as {@code <f4}, {@code |b1}, {@code >c16}, {@code <U8},
   * {@code |S3}.
   *
   * @throws IllegalArgumentException for object, structured, void, datetime and unknown dtypes
   */
  public static NpyDtype parse(String descr) {
    Objects.requireNonNull(descr, "descr is null");
    if (descr.isEmpty()) {
      throw new IllegalArgumentException("Cannot read dtype '': empty descr");
    }
    int i = 0;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    char c = descr.charAt(0);
    if (c == '<' || c == '|' || c == '=') {
      i = 1;
    } else if (c == '>') {
      order = ByteOrder.BIG_ENDIAN;
      i = 1;
    }
    if (i >= descr.length()) {
      throw new IllegalArgumentException("Cannot read dtype '" + descr + "': no type code");
    }
    char kind = descr.charAt(i);
    if (kind == 'O') {
      throw new IllegalArgumentException("Cannot read dtype '" + descr
          + "': object arrays hold pickled Python objects, which are not supported");
    }
    if (kind == 'V') {
      throw new IllegalArgumentException("Cannot read dtype '" + descr
          + "': void/structured dtypes are not supported");
    }
    if (kind == 'M' || kind == 'm') {
      throw new IllegalArgumentException("Cannot read dtype '" + descr
          + "': datetime and timedelta dtypes are not supported");
    }
    String digits = descr.substring(i + 1);
    int size;
    try {
      size = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read dtype '" + descr + "': item size '" + digits
          + "' is not a number");
    }
    if (kind == 'U') {
      if (size < 0 || size > Integer.MAX_VALUE / 4) {
        throw new IllegalArgumentException("Cannot read dtype '" + descr + "': bad length " + size);
      }
      size *= 4;
    }
    check(kind, size, descr);
    return new NpyDtype(kind, size, order);
  }

  private static void check(char kind, int size, String descr) {
    boolean ok;
    switch (kind) {
      case 'b':
        ok = size == 1;
        break;
      case 'i':
      case 'u':
        ok = size == 1 || size == 2 || size == 4 || size == 8;
        break;
      case 'f':
        ok = size == 2 || size == 4 || size == 8;
        break;
      case 'c':
        ok = size == 8 || size == 16;
        break;
      case 'S':
        ok = size >= 0;
        break;
      case 'U':
        ok = size >= 0 && size % 4 == 0;
        break;
      default:
        throw new IllegalArgumentException("Cannot read dtype '" + descr + "': unknown type code '"
            + kind + "'");
    }
    if (!ok) {
      throw new IllegalArgumentException("Cannot read dtype '" + descr + "': item size " + size
          + " is not valid for type code '" + kind + "'");
    }
  }

  /** numpy type code: b, i, u, f, c, S or U. */
  public char kind() {
    return kind;
  }

  /** Bytes per element (for U: 4 per character). */
  public int itemSize() {
    return itemSize;
  }

  /** Byte order as stored. */
  public ByteOrder order() {
    return order;
  }

  /**
   * Size of the unit whose bytes are swapped on a byte-order change: the item size for numbers,
   * half of it for complex, 4 for U, 1 (nothing to swap) for bool, S and one-byte numbers.
   */
  public int swapUnit() {
    switch (kind) {
      case 'c':
        return itemSize / 2;
      case 'U':
        return 4;
      case 'S':
      case 'b':
        return 1;
      default:
        return itemSize;
    }
  }

  /** The same dtype, stored little-endian. */
  public NpyDtype littleEndian() {
    return order == ByteOrder.LITTLE_ENDIAN ? this : new NpyDtype(kind, itemSize, ByteOrder.LITTLE_ENDIAN);
  }

  /** The descr numpy writes for this dtype, e.g. {@code <f4}, {@code |u1}, {@code >c16}, {@code <U8}. */
  public String descr() {
    char o = swapUnit() == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
    if (kind == 'U' && itemSize == 0) {
      o = '<';
    }
    int n = kind == 'U' ? itemSize / 4 : itemSize;
    return "" + o + kind + n;
  }

  /** numpy's name of the type, e.g. {@code float32}, {@code complex128}, {@code <U8}. */
  public String name() {
    switch (kind) {
      case 'b':
        return "bool";
      case 'i':
        return "int" + itemSize * 8;
      case 'u':
        return "uint" + itemSize * 8;
      case 'f':
        return "float" + itemSize * 8;
      case 'c':
        return "complex" + itemSize * 8;
      case 'S':
        return "S" + itemSize;
      default:
        return "U" + itemSize / 4;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyDtype d && d.kind == kind && d.itemSize == itemSize && d.order == order;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, itemSize, order);
  }

  @Override
  public String toString() {
    return descr();
  }
}
