package io.s3dlio.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A streaming write of one object in bounded memory. Bytes become visible only when
 * {@link #close()} returns normally; {@link #abort()} (or a failed close) leaves no object behind.
 */
public abstract class ObjectWriter extends OutputStream {

  /** Discards everything written; no object is created. Safe to call more than once. */
  public abstract void abort() throws IOException;

  /** Bytes accepted so far. */
  public abstract long bytesWritten();

  /** Commits the object. */
  @Override
  public abstract void close() throws IOException;
}
