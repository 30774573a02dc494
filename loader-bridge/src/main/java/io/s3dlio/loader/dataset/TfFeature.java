package io.s3dlio.loader.dataset;

import io.s3dlio.loader.DType;
import io.s3dlio.loader.FieldSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * One feature of a {@code tf.train.Example} to decode into a sample field of the same name:
 * <ul>
 *   <li>{@link #int64(String, long...)}: an {@code int64_list}; with a shape, exactly that many
 *       values, as an INT64 tensor of that shape ({@code int64("label")} is a scalar); without
 *       ({@link #int64List}), any number, as a 1-d tensor batched ragged;</li>
 *   <li>{@link #float32(String, long...)} / {@link #float32List}: the same for a {@code float_list};</li>
 *   <li>{@link #bytes(String)}: a {@code bytes_list} with exactly one value, as bytes.</li>
 * </ul>
 * A missing feature, a feature of another kind, or a value count that does not fit the shape
 * fails the sample, naming the file, the record's offset and the feature.
 */
public record TfFeature(String name, Kind kind, long[] shape) {

  /** The list kind of the feature. */
  public enum Kind { INT64, FLOAT, BYTES }

  public TfFeature {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(kind, "kind is null");
    shape = shape == null ? null : shape.clone();
  }

  public static TfFeature int64(String name, long... shape) {
    return new TfFeature(name, Kind.INT64, shape);
  }

  public static TfFeature int64List(String name) {
    return new TfFeature(name, Kind.INT64, null);
  }

  public static TfFeature float32(String name, long... shape) {
    return new TfFeature(name, Kind.FLOAT, shape);
  }

  public static TfFeature float32List(String name) {
    return new TfFeature(name, Kind.FLOAT, null);
  }

  public static TfFeature bytes(String name) {
    return new TfFeature(name, Kind.BYTES, new long[0]);
  }

  @Override
  public long[] shape() {
    return shape == null ? null : shape.clone();
  }

  /** Values a fixed shape holds, or -1 for a variable-length feature. */
  long count() {
    if (shape == null) {
      return -1;
    }
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  FieldSpec spec() {
    DType t = kind == Kind.INT64 ? DType.INT64 : DType.FLOAT32;
    if (kind == Kind.BYTES) {
      return FieldSpec.bytes(name);
    }
    return shape == null ? FieldSpec.ragged(name, t) : FieldSpec.tensor(name, t, shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TfFeature f && f.name.equals(name) && f.kind == kind && Arrays.equals(f.shape, shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ":" + kind + (shape == null ? "[*]" : Arrays.toString(shape));
  }
}
