package io.s3dlio.store.metrics;

import java.util.Locale;

/**
 * The operations of an {@link io.s3dlio.store.ObjectStore} that are timed, counted and logged.
 * {@link #logName()} is the {@code op} column of the operation log (MinIO warp's upper-case style).
 */
public enum StoreOp {
  /** A whole-object read ({@code get}, or {@code openRange} from offset 0 to the end). */
  GET("GET"),
  /** A read of part of an object ({@code getRange}, {@code openRange} with an offset or a length). */
  GET_RANGE("GET_RANGE"),
  /** A whole-object write: {@code put}, or a streaming writer from open to its committing close. */
  PUT("PUT"),
  /** One part (S3 multipart) or staged block (Azure) of a streaming write. */
  PART_UPLOAD("PUT_PART"),
  /** One page of a listing. */
  LIST("LIST"),
  /** An object's metadata ({@code stat}: HEAD). */
  STAT("STAT"),
  /** A one-object delete. */
  DELETE("DELETE"),
  /** A bulk delete ({@code deleteAll}); its {@code n_objects} is the number of keys. */
  DELETE_BULK("DELETE_BULK"),
  /** A server-side copy. */
  COPY("COPY");

  private static final int COUNT = values().length;

  private final String logName;

  StoreOp(String logName) {
    this.logName = logName;
  }

  /** The name in the operation log's {@code op} column. */
  public String logName() {
    return logName;
  }

  /** Lower-case name, as in JSON output and the bench summary. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static int count() {
    return COUNT;
  }
}
