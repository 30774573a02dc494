package io.s3dlio.fs;

import org.apache.hadoop.fs.PathIOException;

/**
 * The object under an open input stream changed: a later GET of the stream found another ETag
 * than its first one. The same name and role as S3A's
 * {@code org.apache.hadoop.fs.s3a.RemoteFileChangedException} (which lives in hadoop-aws, not in
 * hadoop-common, so it cannot be thrown from here); catch {@link PathIOException} to handle both.
 */
public class RemoteFileChangedException extends PathIOException {
  private static final long serialVersionUID = 1L;

  public RemoteFileChangedException(String path, String operation, String message, Throwable cause) {
    super(path, message, cause);
    setOperation(operation);
  }
}
