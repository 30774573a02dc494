package io.s3dlio.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * Name, element type and shape of a tensor. Names are unique within one rank's shard, non-empty,
 * at most 1024 characters, without control characters.
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
  public static final int MAX_NAME_LENGTH = 1024;

  public TensorSpec {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(dtype, "dtype is null");
    Objects.requireNonNull(shape, "shape is null");
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("Invalid tensor name '" + name + "': need 1 to " + MAX_NAME_LENGTH
          + " characters, no control characters");
    }
    shape = shape.clone();
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Invalid shape " + Arrays.toString(shape) + " of tensor '" + name
            + "': negative dimension");
      }
    }
    byteSize(name, dtype, shape);
  }

  public static TensorSpec of(String name, DType dtype, long... shape) {
    return new TensorSpec(name, dtype, shape);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a scalar, shape []). */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Bytes of the raw data: elements times the item size. */
  public long byteSize() {
    return byteSize(name, dtype, shape);
  }

  private static long byteSize(String name, DType dtype, long[] shape) {
    try {
      long n = dtype.itemSize();
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("Invalid shape " + Arrays.toString(shape) + " of tensor '" + name
          + "': more than 2^63 bytes", e);
    }
  }

  /** Throws unless {@code bytes} is this tensor's byte size. */
  public void checkByteSize(long bytes) {
    if (bytes != byteSize()) {
      throw new IllegalArgumentException("Tensor '" + name + "' (" + dtype + " " + Arrays.toString(shape) + ") needs "
          + byteSize() + " bytes, got " + bytes);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
