package io.s3dlio.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;

/**
 * One object-store API, the same for every backend (s3, az, gs, file, direct).
 *
 * <p>Error contract, the same for every implementation: each method either succeeds or throws an
 * {@link IOException} whose message names the operation and the URI, translated once at the
 * backend boundary:
 * <ul>
 *   <li>a missing object or bucket/container: {@link java.io.FileNotFoundException};</li>
 *   <li>a range starting at or past the end of the object: {@link java.io.EOFException};</li>
 *   <li>refused credentials: {@link java.nio.file.AccessDeniedException};</li>
 *   <li>a conditional create that found an object: {@link java.nio.file.FileAlreadyExistsException}
 *       (never for a create whose own earlier attempt wrote the object: see {@link WriteOptions});</li>
 *   <li>an object that changed under a read pinned to one version, or under a copy:
 *       {@link ObjectChangedException};</li>
 *   <li>anything else: {@link StoreException}.</li>
 * </ul>
 * Retries (throttling, 5xx, connection resets) happen inside the backend; callers must not add a
 * second retry loop.
 *
 * <p>An instance serves every bucket/account/container of its scheme and is thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  /** The scheme this store serves. */
  ObjectUri.Scheme scheme();

  /** Reads a whole object into memory (objects up to 2 GiB - 1). */
  byte[] get(ObjectUri uri) throws IOException;

  /**
   * Reads {@code length} bytes from {@code offset}. A range that runs past the end is cut at the
   * end (fewer bytes are returned); a range that starts at or past the end throws
   * {@link java.io.EOFException}. {@code length == 0} returns an empty array after checking the
   * object exists.
   */
  byte[] getRange(ObjectUri uri, long offset, int length) throws IOException;

  /**
   * Opens a stream of the bytes from {@code offset}, {@code length} of them, or to the end of the
   * object when {@code length < 0}. Remote backends resume a body that fails mid-way from the last
   * byte delivered, so the caller sees either the exact bytes or an exception.
   */
  InputStream openRange(ObjectUri uri, long offset, long length) throws IOException;

  /**
   * {@link #openRange(ObjectUri, long, long)} of one version of the object: with {@code etag}
   * non-null the GET carries {@code If-Match} and fails with {@link ObjectChangedException} (naming
   * the URI and both ETags) when the object is no longer that version. With {@code etag} null it
   * reads the current version. Either way {@link ResumingInputStream#etagOf} of the returned
   * stream is the ETag read (null where the store has none), to pin later reads to.
   *
   * <p>The default, for local stores, ignores {@code etag}: an open local file is read through one
   * descriptor. Remote stores and anything that wraps a store must override it.
   */
  default InputStream openRange(ObjectUri uri, long offset, long length, String etag) throws IOException {
    return openRange(uri, offset, length);
  }

  /**
   * Whether {@link #mapRange} serves this store's objects: only a store whose objects are local
   * files read through the page cache ({@code file://}); the others (remote stores, and
   * {@code direct://}, which bypasses the page cache) read through {@link #openRange}.
   */
  default boolean canMapRanges() {
    return false;
  }

  /**
   * A read-only memory mapping of {@code length} bytes of the object from {@code offset} (only
   * where {@link #canMapRanges()}): the caller reads the bytes straight from the page cache as it
   * reads the buffer, with no read call and no copy in between. Same range rules as
   * {@link #getRange}: a range that runs past the end is cut at the end, one that starts at or
   * past the end throws {@link java.io.EOFException}, {@code length == 0} gives an empty buffer
   * after checking the object exists. The mapping is of the file as it is now, and stays valid
   * when the file is later replaced by a write; a file cut short while mapped makes reads of the
   * lost pages fail (the JVM throws {@link InternalError} from the buffer's get methods). It is
   * released when the buffer is garbage collected, so map long ranges only (the kernel limits
   * the mappings a process holds). Metered as one {@link io.s3dlio.store.metrics.StoreOp#GET_RANGE}
   * of the mapped bytes, timed while mapping (the page-cache reads happen later, in the caller).
   *
   * @throws UnsupportedOperationException where {@link #canMapRanges()} is false
   * @throws IllegalArgumentException for a negative offset or length, or a length over
   *     {@link Integer#MAX_VALUE} (one buffer's limit)
   */
  default ByteBuffer mapRange(ObjectUri uri, long offset, long length) throws IOException {
    throw new UnsupportedOperationException(StoreErrors.message("map", uri, "the " + scheme().id()
        + ":// store cannot map ranges (canMapRanges() is false): read through openRange"));
  }

  /** Writes a whole object. */
  void put(ObjectUri uri, byte[] data, WriteOptions options) throws IOException;

  default void put(ObjectUri uri, byte[] data) throws IOException {
    put(uri, data, WriteOptions.DEFAULT);
  }

  /**
   * Opens a streaming writer that uses bounded memory (multipart upload on S3, staged blocks on
   * Azure, a temporary file renamed at close on local disk).
   */
  ObjectWriter openWriter(ObjectUri uri, WriteOptions options) throws IOException;

  default ObjectWriter openWriter(ObjectUri uri) throws IOException {
    return openWriter(uri, WriteOptions.DEFAULT);
  }

  /**
   * Lists keys that start with {@code prefix.key()}, in key order, page by page: the iterator asks
   * the store for the next page only when the previous one is used up, so memory stays bounded
   * whatever the size of the listing. Errors during iteration are thrown as
   * {@link java.io.UncheckedIOException} wrapping the translated {@link IOException}.
   */
  Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) throws IOException;

  /** Size, last-modified time and etag; {@link java.io.FileNotFoundException} when missing. */
  ObjectStat stat(ObjectUri uri) throws IOException;

  /** Deletes one object. Deleting a missing object is not an error. */
  void delete(ObjectUri uri) throws IOException;

  /**
   * Deletes many objects, in as few requests as the store allows ({@link #bulkDeletePageSize()}
   * keys per request on S3). Missing objects are not failures. Returns the keys that could not be
   * deleted (empty when all went).
   */
  List<DeleteFailure> deleteAll(List<ObjectUri> uris) throws IOException;

  /** Most keys one bulk-delete request takes (1 where the store has no bulk delete). */
  int bulkDeletePageSize();

  /** Server-side copy within this store (the bytes do not pass through the client). */
  void copy(ObjectUri source, ObjectUri target) throws IOException;

  /** Whether {@link WriteOptions#ifNoneMatch()} is enforced atomically by the store. */
  boolean supportsConditionalCreate();

  @Override
  void close() throws IOException;
}
