package io.s3dlio.tfrecord.index;

import java.io.IOException;

/** A DALI index that does not describe its TFRecord file (any more). The message says why. */
public class StaleIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  public StaleIndexException(String message) {
    super(message);
  }
}
