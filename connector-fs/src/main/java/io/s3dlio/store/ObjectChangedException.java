package io.s3dlio.store;

/**
 * The object changed under an operation that needed one version of it: a read pinned to the
 * first response's ETag found another ETag (HTTP 412 on {@code If-Match}), or the source of a copy
 * changed during the copy. The message names the URI, and both ETags where the new one is known.
 */
public class ObjectChangedException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String expectedEtag;
  private final String actualEtag;

  public ObjectChangedException(String message, String expectedEtag, String actualEtag, Throwable cause) {
    super(message, 412, cause);
    this.expectedEtag = expectedEtag;
    this.actualEtag = actualEtag;
  }

  /** The ETag the operation was pinned to. */
  public String expectedEtag() {
    return expectedEtag;
  }

  /** The object's ETag now, or null when the store did not say. */
  public String actualEtag() {
    return actualEtag;
  }
}
