package io.s3dlio.store;

/**
 * Options of a put or a streaming write.
 *
 * @param ifNoneMatch when true the write succeeds only if no object exists at the URI
 *     (S3 {@code If-None-Match: *}, Azure {@code If-None-Match: *}, exclusive create on local
 *     files); otherwise {@link java.nio.file.FileAlreadyExistsException} is thrown and nothing is
 *     written. Remote stores tag each create with a unique write id (object metadata
 *     {@code s3dlio-write-id}): when the HTTP client retries a create whose first attempt reached
 *     the store but whose answer was lost, the retry's "already exists" (or, for a multipart
 *     upload, "no such upload") is checked against that id and the write is reported as done
 * @param contentType MIME type to record, or null
 */
public record WriteOptions(boolean ifNoneMatch, String contentType) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, null);

  /** A write that fails if the object already exists. */
  public static WriteOptions createNew() {
    return new WriteOptions(true, null);
  }
}
