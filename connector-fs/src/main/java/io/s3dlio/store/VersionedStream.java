package io.s3dlio.store;

/**
 * A stream of one version of an object: {@link #etag()} is the ETag of the version read (null where
 * the store has none). Implemented by the remote stores' streams and by anything that wraps them,
 * so that {@link ResumingInputStream#etagOf} finds the version under a wrapper.
 */
public interface VersionedStream {
  String etag();
}
