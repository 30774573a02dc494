package io.s3dlio.npz.spark;

/** The V1 {@code FileFormat} of {@code npy}: each .npy file holds one array, named {@code array}. */
public class NpyFileFormat extends NpzFileFormat {
  private static final long serialVersionUID = 1L;

  @Override
  protected String format() {
    return "npy";
  }
}
