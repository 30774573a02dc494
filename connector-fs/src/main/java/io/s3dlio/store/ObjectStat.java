package io.s3dlio.store;

import java.time.Instant;

/**
 * Metadata of one object.
 *
 * @param uri where the object is
 * @param size length in bytes
 * @param lastModified last-modified time as the store reports it
 * @param etag the store's entity tag (S3/Azure ETag without quotes; for local files a tag made of
 *     size and mtime), or null where the store has none
 */
public record ObjectStat(ObjectUri uri, long size, Instant lastModified, String etag) {
}
