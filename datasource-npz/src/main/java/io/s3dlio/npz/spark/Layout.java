package io.s3dlio.npz.spark;

import java.util.Locale;

/** How arrays map to rows. */
enum Layout {
  /** One row per file: the path, then per array its flattened values, shape and dtype. */
  FILE,
  /** One row per index along axis 0 of arrays that share their first dimension. */
  SAMPLE;

  static Layout parse(String v) {
    try {
      return valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot use layout '" + v + "': expected 'file' or 'sample'");
    }
  }
}
