package io.s3dlio.loader;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense array of one {@link DType} with a shape, held in one primitive Java array in C
 * (row-major) order: no boxing. One sample's fixed-shape field is a tensor; so is a batch's
 * column of such a field, with the batch size as its first dimension.
 *
 * <p>Tensors are immutable by convention: the array returned by the typed accessors is the
 * tensor's own (not a copy), so that batches hand data to a trainer without copying; do not
 * modify it.
 */
public final class Tensor {
  private final DType dtype;
  private final long[] shape;
  private final Object data;
  private final int count;

  private Tensor(DType dtype, long[] shape, Object data) {
    this.dtype = Objects.requireNonNull(dtype, "dtype is null");
    this.shape = shape.clone();
    this.data = Objects.requireNonNull(data, "data is null");
    if (data.getClass() != dtype.arrayType()) {
      throw new IllegalArgumentException("Cannot make a " + dtype + " tensor from a " + data.getClass().getSimpleName()
          + " (needs " + dtype.arrayType().getSimpleName() + ")");
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Cannot make a tensor of shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    int len = Array.getLength(data);
    if (n != len) {
      throw new IllegalArgumentException("Cannot make a tensor of shape " + Arrays.toString(shape) + " from " + len
          + " elements (needs " + n + ")");
    }
    this.count = len;
  }

  /** A tensor over {@code data} (a primitive array of {@code dtype}'s array type), not copied. */
  public static Tensor of(DType dtype, Object data, long... shape) {
    return new Tensor(dtype, shape, data);
  }

  public static Tensor of(float[] data, long... shape) {
    return new Tensor(DType.FLOAT32, shape, data);
  }

  public static Tensor of(double[] data, long... shape) {
    return new Tensor(DType.FLOAT64, shape, data);
  }

  public static Tensor of(long[] data, long... shape) {
    return new Tensor(DType.INT64, shape, data);
  }

  public static Tensor of(int[] data, long... shape) {
    return new Tensor(DType.INT32, shape, data);
  }

  /**
   * A tensor decoded from little-endian bytes ({@code le[off, off + n * itemSize)}), as numpy's
   * C-order data is stored.
   */
  public static Tensor fromLittleEndian(DType dtype, long[] shape, byte[] le, int off) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    int count = Math.toIntExact(n);
    ByteBuffer b = ByteBuffer.wrap(le, off, count * dtype.itemSize()).slice().order(ByteOrder.LITTLE_ENDIAN);
    Object arr = dtype.newArray(count);
    switch (dtype.itemSize()) {
      case 1:
        b.get((byte[]) arr);
        break;
      case 2:
        b.asShortBuffer().get((short[]) arr);
        break;
      case 4:
        if (dtype == DType.FLOAT32) {
          b.asFloatBuffer().get((float[]) arr);
        } else {
          b.asIntBuffer().get((int[]) arr);
        }
        break;
      default:
        if (dtype == DType.FLOAT64) {
          b.asDoubleBuffer().get((double[]) arr);
        } else {
          b.asLongBuffer().get((long[]) arr);
        }
    }
    return new Tensor(dtype, shape, arr);
  }

  public DType dtype() {
    return dtype;
  }

  /** The shape (a copy). */
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

  /** Bytes the elements take in memory. */
  public long byteSize() {
    return (long) count * dtype.itemSize();
  }

  /** The backing primitive array. */
  public Object array() {
    return data;
  }

  public float[] floats() {
    return typed(float[].class);
  }

  public double[] doubles() {
    return typed(double[].class);
  }

  public long[] longs() {
    return typed(long[].class);
  }

  public int[] ints() {
    return typed(int[].class);
  }

  public short[] shorts() {
    return typed(short[].class);
  }

  public byte[] bytes() {
    return typed(byte[].class);
  }

  private <T> T typed(Class<T> c) {
    if (data.getClass() != c) {
      throw new IllegalStateException("Cannot read a " + dtype + " tensor as " + c.getSimpleName() + " (it is held in "
          + dtype.arrayType().getSimpleName() + ")");
    }
    return c.cast(data);
  }

  /** Whether the shapes are equal. */
  boolean sameShape(long[] other) {
    return Arrays.equals(shape, other);
  }

  long[] shapeRef() {
    return shape;
  }

  @Override
  public String toString() {
    return "Tensor{" + dtype + " " + Arrays.toString(shape) + "}";
  }
}
