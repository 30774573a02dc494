package io.s3dlio.npz.spark;

import java.io.Serializable;

/**
 * Part of one input file for one task: the whole file ({@code firstRow < 0}) or rows
 * {@code [firstRow, firstRow + rowCount)} along axis 0 (sample layout, stored C-order arrays).
 */
record Slice(InputFile file, long firstRow, long rowCount) implements Serializable {
  static Slice whole(InputFile f) {
    return new Slice(f, -1, -1);
  }

  boolean isWhole() {
    return firstRow < 0;
  }
}
