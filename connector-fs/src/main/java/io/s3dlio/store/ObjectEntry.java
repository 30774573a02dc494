package io.s3dlio.store;

import java.time.Instant;

/**
 * One row of a listing: an object, or a common prefix ("directory") when the listing uses a
 * delimiter. Prefix rows have size 0, no time and no etag, and their key ends with the delimiter.
 */
public record ObjectEntry(ObjectUri uri, boolean isPrefix, long size, Instant lastModified, String etag) {

  public static ObjectEntry prefix(ObjectUri uri) {
    return new ObjectEntry(uri, true, 0L, null, null);
  }

  public static ObjectEntry object(ObjectStat stat) {
    return new ObjectEntry(stat.uri(), false, stat.size(), stat.lastModified(), stat.etag());
  }

  /** The metadata of an object row. */
  public ObjectStat stat() {
    if (isPrefix) {
      throw new IllegalStateException("Cannot stat a listing prefix: " + uri);
    }
    return new ObjectStat(uri, size, lastModified, etag);
  }
}
