package io.s3dlio.npz.spark;

import org.apache.spark.sql.execution.datasources.FileFormat;

/** {@code format("npy")}: each .npy file holds one array, named {@code array}. */
public class NpyDataSourceV2 extends NpzDataSourceV2 {
  @Override
  protected String format() {
    return "npy";
  }

  @Override
  public Class<? extends FileFormat> fallbackFileFormat() {
    return NpyFileFormat.class;
  }
}
