package io.s3dlio.fs.stream;

import io.s3dlio.fs.RemoteFileChangedException;
import io.s3dlio.store.ObjectChangedException;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ResumingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ranges of one object through {@link ObjectStore#openRange(ObjectUri, long, long, String)}, all
 * of one version: every GET after the first is pinned to the first ETag (the one of the
 * FileStatus the stream was opened with, else of the first response) with {@code If-Match}, so an
 * object replaced under an open stream fails with {@link RemoteFileChangedException} naming the
 * path and both ETags, instead of mixing bytes of two versions. After {@link #close()} nothing
 * more is opened.
 */
public final class StoreRangeSource implements RangeSource {
  private final ObjectStore store;
  private final ObjectUri uri;
  private final String path;
  private final AtomicReference<String> etag;
  private volatile boolean closed;

  /**
   * @param etag the version to read, or null to pin to the first response's
   */
  public StoreRangeSource(ObjectStore store, ObjectUri uri, String path, String etag) {
    this.store = store;
    this.uri = uri;
    this.path = path;
    this.etag = new AtomicReference<>(etag);
  }

  @Override
  public InputStream open(long offset, long length) throws IOException {
    if (closed) {
      throw new IOException("read " + path + " at " + offset + ": " + org.apache.hadoop.fs.FSExceptionMessages.STREAM_IS_CLOSED);
    }
    String expected = etag.get();
    InputStream in;
    try {
      in = store.openRange(uri, offset, length, expected);
    } catch (ObjectChangedException e) {
      throw changed(offset, e.expectedEtag(), e.actualEtag(), e);
    }
    String got = ResumingInputStream.etagOf(in);
    if (got != null && !etag.compareAndSet(null, got) && !got.equals(etag.get())) {
      // two first reads raced (vectored reads): one of them saw another version
      in.close();
      throw changed(offset, etag.get(), got, null);
    }
    return in;
  }

  private RemoteFileChangedException changed(long offset, String expected, String actual, Throwable cause) {
    return new RemoteFileChangedException(path, "read at " + offset, "the object changed while this stream was open: ETag was "
        + expected + ", is now " + (actual == null ? "unknown" : actual) + " (reopen the file to read the new version)",
        cause);
  }

  @Override
  public int readAt(long position, byte[] buf, int off, int len) throws IOException {
    try (InputStream in = open(position, len)) {
      return in.readNBytes(buf, off, len);
    }
  }

  /** The ETag this source reads, or null before the first read. */
  public String etag() {
    return etag.get();
  }

  @Override
  public void close() {
    closed = true;
  }
}
