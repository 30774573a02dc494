package io.s3dlio.loader;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one field of a dataset's samples holds, which decides its batch column:
 * <ul>
 *   <li>{@link Kind#TENSOR}: the same dtype and shape in every sample; the column is one dense
 *       {@link Tensor} of shape {@code [batch, shape...]};</li>
 *   <li>{@link Kind#RAGGED}: numbers whose count varies per sample; the column is a {@link Ragged};</li>
 *   <li>{@link Kind#BYTES}: opaque bytes; the column is a {@code byte[][]}.</li>
 * </ul>
 */
public record FieldSpec(String name, Kind kind, DType dtype, long[] shape) {

  /** Column kinds. */
  public enum Kind { TENSOR, RAGGED, BYTES }

  public FieldSpec {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(kind, "kind is null");
    shape = shape == null ? null : shape.clone();
  }

  public static FieldSpec tensor(String name, DType dtype, long... shape) {
    return new FieldSpec(name, Kind.TENSOR, dtype, shape);
  }

  public static FieldSpec ragged(String name, DType dtype) {
    return new FieldSpec(name, Kind.RAGGED, dtype, null);
  }

  public static FieldSpec bytes(String name) {
    return new FieldSpec(name, Kind.BYTES, null, null);
  }

  @Override
  public long[] shape() {
    return shape == null ? null : shape.clone();
  }

  /** The shape itself (not a copy), for the loader's checks. */
  long[] shapeRef() {
    return shape;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSpec f && f.name.equals(name) && f.kind == kind && f.dtype == dtype
        && Arrays.equals(f.shape, shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, dtype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ":" + kind + (dtype == null ? "" : " " + dtype) + (shape == null ? "" : " " + Arrays.toString(shape));
  }
}
