package io.s3dlio.loader;

/**
 * A batch column of a variable-shape field: the values of all samples one after the other in one
 * dense 1-d {@link Tensor}, sample {@code i}'s elements at {@code [offsets[i], offsets[i + 1])},
 * and each sample's own shape.
 *
 * @param values every sample's elements, concatenated (C order within a sample)
 * @param offsets {@code size() + 1} element offsets into {@code values}
 * @param shapes each sample's shape
 */
public record Ragged(Tensor values, int[] offsets, long[][] shapes) {

  /** Number of samples. */
  public int size() {
    return offsets.length - 1;
  }

  /** Elements of sample {@code i}. */
  public int length(int i) {
    return offsets[i + 1] - offsets[i];
  }
}
