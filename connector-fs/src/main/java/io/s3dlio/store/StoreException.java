package io.s3dlio.store;

import java.io.IOException;

/** A store failure that is none of the specific {@link IOException} kinds of the store contract. */
public class StoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;

  public StoreException(String message, Throwable cause) {
    this(message, -1, cause);
  }

  public StoreException(String message, int statusCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
  }

  /** HTTP status of the failed request, or -1 when there was none (connection failure). */
  public int statusCode() {
    return statusCode;
  }
}
