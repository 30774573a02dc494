package io.s3dlio.loader;

/**
 * Element types of a {@link Tensor}, with the Java primitive array each is held in. Unsigned
 * types are held in the signed array of the same width (the bits are kept; read them with
 * {@code Byte.toUnsignedInt}, {@code Short.toUnsignedInt}, {@code Integer.toUnsignedLong},
 * {@code Long.toUnsignedString}); {@link #FLOAT16} holds the IEEE 754 binary16 bits in a
 * {@code short[]}; {@link #BOOL} holds 0 or 1 in a {@code byte[]}.
 */
public enum DType {
  BOOL(1, byte[].class),
  INT8(1, byte[].class),
  UINT8(1, byte[].class),
  INT16(2, short[].class),
  UINT16(2, short[].class),
  FLOAT16(2, short[].class),
  INT32(4, int[].class),
  UINT32(4, int[].class),
  FLOAT32(4, float[].class),
  INT64(8, long[].class),
  UINT64(8, long[].class),
  FLOAT64(8, double[].class);

  private final int itemSize;
  private final Class<?> arrayType;

  DType(int itemSize, Class<?> arrayType) {
    this.itemSize = itemSize;
    this.arrayType = arrayType;
  }

  /** Bytes per element. */
  public int itemSize() {
    return itemSize;
  }

  /** The primitive array class that holds elements of this type. */
  public Class<?> arrayType() {
    return arrayType;
  }

  /** A new zeroed primitive array of {@code n} elements. */
  Object newArray(int n) {
    switch (itemSize) {
      case 1:
        return new byte[n];
      case 2:
        return new short[n];
      case 4:
        return this == FLOAT32 ? new float[n] : new int[n];
      default:
        return this == FLOAT64 ? new double[n] : new long[n];
    }
  }
}
