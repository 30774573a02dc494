package io.s3dlio.npz.spark;

/** {@code spark.read.format("npy")}: each .npy file holds one array, named {@code array}. */
public class NpySource extends NpzSource {
  @Override
  protected String format() {
    return "npy";
  }
}
