package io.s3dlio.store;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;

/**
 * A ranged body that resumes from the last good byte when the connection fails mid-way.
 *
 * <p>The {@link Opener} opens the body of {@code [offset, offset + length)} and says how many bytes
 * the server promised (Content-Length). When a read throws an {@link IOException}, or the body ends
 * before the promised bytes arrived, this stream closes the body and opens
 * {@code [offset + delivered, end)} again, up to {@code maxResumes} times in a row without progress.
 * Missing objects, refused credentials and ranges past the end are not resumed.
 */
public final class ResumingInputStream extends InputStream implements VersionedStream {

  /** Opens a ranged body. {@code length < 0} means "to the end of the object". */
  @FunctionalInterface
  public interface Opener {
    Body open(long offset, long length) throws IOException;
  }

  /** An open body, the number of bytes it will deliver, and the object's ETag (null if unknown). */
  public record Body(InputStream stream, long contentLength, String etag) {
    public Body(InputStream stream, long contentLength) {
      this(stream, contentLength, null);
    }
  }

  private final Object uri;
  private final Opener opener;
  private final int maxResumes;
  /** ETag of the first body (the version this stream reads), or null. */
  private final String etag;
  /** Offset in the object of the next byte to deliver. */
  private long pos;
  /** Bytes left to deliver; set from the first body's Content-Length when opened "to the end". */
  private long remaining;
  private InputStream body;
  private int failuresWithoutProgress;
  private int resumes;
  private boolean closed;

  public ResumingInputStream(Object uri, long offset, long length, Opener opener, int maxResumes)
      throws IOException {
    this.uri = uri;
    this.opener = opener;
    this.maxResumes = maxResumes;
    this.pos = offset;
    Body b = opener.open(offset, length);
    this.body = b.stream();
    this.etag = b.etag();
    this.remaining = length < 0 ? b.contentLength() : Math.min(length, b.contentLength());
  }

  /** The ETag of the version this stream reads (of its first response), or null when unknown. */
  @Override
  public String etag() {
    return etag;
  }

  /** The ETag of a stream returned by {@link ObjectStore#openRange}, or null when it has none. */
  public static String etagOf(InputStream in) {
    return in instanceof VersionedStream v ? v.etag() : null;
  }

  /** How many times the body was reopened. */
  public int resumes() {
    return resumes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("read " + uri + ": stream is closed");
    }
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    int want = (int) Math.min(len, remaining);
    while (true) {
      IOException failure;
      try {
        int n = body.read(b, off, want);
        if (n > 0) {
          pos += n;
          remaining -= n;
          failuresWithoutProgress = 0;
          return n;
        }
        failure = new EOFException("body ended with " + remaining + " bytes still expected");
      } catch (IOException e) {
        failure = e;
      }
      resume(failure);
    }
  }

  private void resume(IOException failure) throws IOException {
    closeQuietly(body);
    body = null;
    if (failure instanceof ObjectChangedException) {
      throw failure;
    }
    if (failure instanceof FileNotFoundException || failure instanceof AccessDeniedException
        || ++failuresWithoutProgress > maxResumes) {
      throw new StoreException(StoreErrors.message("read", uri, "failed at offset " + pos + " after "
          + resumes + " resumes: " + StoreErrors.rootCause(failure)), failure);
    }
    resumes++;
    Body b = opener.open(pos, remaining);
    body = b.stream();
  }

  @Override
  public long skip(long n) throws IOException {
    return super.skip(n);
  }

  @Override
  public int available() throws IOException {
    return body == null ? 0 : (int) Math.min(body.available(), remaining);
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      if (body != null) {
        body.close();
      }
    }
  }

  private static void closeQuietly(InputStream s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException | RuntimeException ignored) {
        // the body already failed; its close error adds nothing
      }
    }
  }
}
