package io.s3dlio.store;

/** Message helpers shared by the backends: every message reads "{@code op uri: cause}". */
public final class StoreErrors {
  private StoreErrors() {
  }

  public static String message(String operation, Object uri, String cause) {
    return operation + " " + uri + ": " + cause;
  }

  /** The innermost useful message of a throwable chain (class name when none has a message). */
  public static String rootCause(Throwable t) {
    Throwable c = t;
    String msg = null;
    while (c != null) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        msg = c.getClass().getSimpleName() + ": " + c.getMessage();
      }
      if (c.getCause() == c) {
        break;
      }
      c = c.getCause();
    }
    return msg != null ? msg : t.getClass().getName();
  }
}
