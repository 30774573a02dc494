package io.s3dlio.tfrecord.spark.data;

import io.s3dlio.tfrecord.codec.TfRecordFormatException;

/**
 * A well-formed record whose feature does not fit its column (wrong list kind, or several values
 * for a scalar column). Never skipped as corrupt: the schema is wrong, not the data.
 */
public final class FeatureTypeException extends TfRecordFormatException {
  private static final long serialVersionUID = 1L;

  public FeatureTypeException(String source, long offset, String detail) {
    super(source, offset, false, Problem.BAD_PAYLOAD, detail);
  }
}
