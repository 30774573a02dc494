package io.s3dlio.bridge;

/** A failure of the feed that every rank is told about: {@link #code()} names its kind (as on the wire). */
public final class BridgeException extends RuntimeException {
  /** Codes of the ERROR frame. */
  public static final String BAD_TOKEN = "bad_token";
  public static final String BAD_REQUEST = "bad_request";
  public static final String BAD_STATE = "bad_state";
  public static final String EPOCH_FAILED = "epoch_failed";
  public static final String NON_DETERMINISTIC = "non_deterministic";
  public static final String RANK_TIMEOUT = "rank_timeout";
  public static final String RESTARTED = "restarted";
  public static final String SHUTDOWN = "shutdown";

  private final String code;

  public BridgeException(String code, String message) {
    super(message);
    this.code = code;
  }

  public BridgeException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
