package io.s3dlio.store.s3;

import io.s3dlio.store.StoreErrors;
import io.s3dlio.store.StoreException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one place where SDK exceptions become the {@link io.s3dlio.store.ObjectStore} error contract.
 * Every message reads "{@code op uri: cause}"; the cause names the store's error code, HTTP status
 * and request id, never credentials.
 *
 * <ul>
 *   <li>401, 403 → {@link AccessDeniedException}</li>
 *   <li>404 → {@link FileNotFoundException} (NoSuchBucket names the bucket)</li>
 *   <li>416 → {@link EOFException}</li>
 *   <li>412 → {@link FileAlreadyExistsException} (conditional creates; the callers that send other
 *       preconditions, If-Match on reads and copies, check for 412 first)</li>
 *   <li>interrupted → {@link InterruptedIOException}</li>
 *   <li>anything else → {@link StoreException} with the HTTP status (-1 when none)</li>
 * </ul>
 */
final class S3Errors {
  private S3Errors() {
  }

  /**
   * Translates {@code e}, raised by {@code op} on {@code target} (a URI, or "a to b" for copies),
   * of {@code bucket}.
   */
  static IOException translate(String op, Object target, String bucket, SdkException e) {
    return translate(op, target, bucket, e, false);
  }

  /**
   * Like {@link #translate(String, Object, String, SdkException)} for a HEAD request: its 404 has no
   * body, so a missing key and a missing bucket look the same and the message names both.
   */
  static IOException translateHead(String op, Object target, String bucket, SdkException e) {
    return translate(op, target, bucket, e, true);
  }

  /**
   * Like {@link #translate(String, Object, String, SdkException)} for a call that started at
   * {@code startNanos}: a call that ran out of its deadline ({@code deadlineKey}) or of its retries
   * says how many attempts it made and for how long.
   */
  static IOException translate(String op, Object target, String bucket, SdkException e, long startNanos,
      String deadlineKey) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    int attempts = attempts(e);
    if (e instanceof ApiCallTimeoutException) {
      return new StoreException(StoreErrors.message(op, target, String.format(java.util.Locale.ROOT,
          "gave up after %d attempt%s in %.1f s: the call deadline (%s) ran out%s", attempts, attempts == 1 ? "" : "s",
          seconds, deadlineKey, lastFailure(e))), -1, e);
    }
    IOException io = translate(op, target, bucket, e, false);
    if (attempts > 1 && io instanceof StoreException) {
      StoreException se = (StoreException) io;
      return new StoreException(se.getMessage() + String.format(java.util.Locale.ROOT, " (after %d attempts in %.1f s)",
          attempts, seconds), se.statusCode(), e);
    }
    return io;
  }

  /** Attempts the SDK made for the call that failed with {@code e} (at least 1). */
  static int attempts(SdkException e) {
    Integer n = e.numAttempts();
    if (n != null && n > 0) {
      return n;
    }
    int retried = 0;
    for (Throwable t : e.getSuppressed()) {
      if (String.valueOf(t.getMessage()).startsWith("Request attempt")) {
        retried++;
      }
    }
    return retried + 1;
  }

  /** "; last failure: ..." from the SDK's suppressed per-attempt failures, or "". */
  private static String lastFailure(SdkException e) {
    Throwable[] s = e.getSuppressed();
    return s.length == 0 ? "" : "; last failure: " + StoreErrors.rootCause(s[s.length - 1]);
  }

  private static IOException translate(String op, Object target, String bucket, SdkException e, boolean head) {
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      InterruptedIOException io = new InterruptedIOException(StoreErrors.message(op, target, "interrupted"));
      io.initCause(e);
      return io;
    }
    if (!(e instanceof SdkServiceException se)) {
      // no answer from the store (connection refused, reset, timeout) after the SDK's retries
      return new StoreException(StoreErrors.message(op, target, describeClient(e)), -1, e);
    }
    int status = se.statusCode();
    String code = errorCode(e);
    String detail = describeService(se, code);
    IOException io;
    switch (status) {
      case 401:
      case 403:
        io = new AccessDeniedException(null, null, StoreErrors.message(op, target, "access denied: " + detail));
        break;
      case 404:
        if ("NoSuchBucket".equals(code)) {
          io = new FileNotFoundException(StoreErrors.message(op, target, "bucket '" + bucket
              + "' does not exist (" + detail + ")"));
        } else if (head || code == null || code.isEmpty() || code.startsWith("404")) {
          // HEAD answers have no body: the key or the whole bucket may be missing
          io = new FileNotFoundException(StoreErrors.message(op, target, "not found (no such key, or no bucket '"
              + bucket + "'; " + detail + ")"));
        } else {
          io = new FileNotFoundException(StoreErrors.message(op, target, "not found (" + detail + ")"));
        }
        break;
      case 412:
        io = new FileAlreadyExistsException(null, null, StoreErrors.message(op, target,
            "an object already exists (" + detail + ")"));
        break;
      case 416:
        io = new EOFException(StoreErrors.message(op, target, "the range starts at or past the end of the object ("
            + detail + ")"));
        break;
      default:
        return new StoreException(StoreErrors.message(op, target, detail), status, e);
    }
    io.initCause(e);
    return io;
  }

  static String errorCode(SdkException e) {
    if (e instanceof AwsServiceException ae) {
      AwsErrorDetails d = ae.awsErrorDetails();
      if (d != null) {
        return d.errorCode();
      }
    }
    return null;
  }

  static int status(SdkException e) {
    return e instanceof SdkServiceException se ? se.statusCode() : -1;
  }

  private static String describeService(SdkServiceException e, String code) {
    StringBuilder sb = new StringBuilder();
    if (code != null && !code.isEmpty()) {
      sb.append(code);
    }
    String msg = e instanceof AwsServiceException ae && ae.awsErrorDetails() != null
        ? ae.awsErrorDetails().errorMessage() : null;
    if (msg != null && !msg.isBlank() && !msg.equals(code)) {
      sb.append(sb.length() > 0 ? ": " : "").append(msg);
    }
    sb.append(sb.length() > 0 ? " " : "").append("(HTTP ").append(e.statusCode());
    if (e.requestId() != null) {
      sb.append(", request id ").append(e.requestId());
    }
    return sb.append(')').toString();
  }

  private static String describeClient(SdkException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.startsWith("Unable to load credentials")) {
      // the SDK lists every provider of its chain on one very long line: say what to do instead
      return "no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or s3.access-key and"
          + " s3.secret-key, AWS_PROFILE or s3.profile, or run where the default chain finds some)";
    }
    // The SDK's own message already says what failed and how many attempts were made.
    String root = StoreErrors.rootCause(e);
    String own = e.getMessage();
    if (own == null || root.contains(own)) {
      return root;
    }
    return own + " [" + root + "]";
  }
}
