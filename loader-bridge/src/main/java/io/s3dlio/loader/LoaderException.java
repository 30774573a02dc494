package io.s3dlio.loader;

/**
 * A batch could not be made: a sample failed (the cause is its {@link SampleException}, naming
 * the URI, offset and cause), a fetch timed out, or a transform threw. The iterator that threw
 * it is finished; the loader's {@link DataLoader#state() state} still points after the last
 * batch delivered.
 */
public class LoaderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LoaderException(String message, Throwable cause) {
    super(message, cause);
  }
}
