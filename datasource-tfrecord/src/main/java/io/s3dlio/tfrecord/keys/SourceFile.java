package io.s3dlio.tfrecord.keys;

import io.s3dlio.store.ObjectStat;

/**
 * One TFRecord file covered by a key index, with the identity it had when indexed.
 *
 * @param uri the file
 * @param size its length
 * @param mtimeMillis its last-modified time (ms since the epoch), or -1
 * @param etag its etag, or null
 * @param records keyed records in it
 * @param duplicates records in it whose key an earlier record already had
 */
public record SourceFile(String uri, long size, long mtimeMillis, String etag, long records, long duplicates) {

  /** Whether {@code now} is the same file: same URI and size, and same etag (when both have one) or mtime. */
  public boolean sameAs(ObjectStat now) {
    if (!now.uri().toString().equals(uri) || now.size() != size) {
      return false;
    }
    if (etag != null && now.etag() != null) {
      return etag.equals(now.etag());
    }
    long m = now.lastModified() == null ? -1 : now.lastModified().toEpochMilli();
    return m == mtimeMillis;
  }
}
