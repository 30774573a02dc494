package io.s3dlio.store.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobStorageException;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreErrors;
import io.s3dlio.store.StoreException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where Azure SDK failures become the {@link io.s3dlio.store.ObjectStore} error
 * contract. Messages read "{@code op uri: cause}"; the cause is built from the HTTP status, the
 * service's error code and its short message, never from the raw response (which can echo
 * signatures), and is scrubbed of SAS signatures and account keys.
 */
final class AzureErrors {
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
  private static final Pattern SECRETS = Pattern.compile(
      "(?i)(sig=|AccountKey=|SharedAccessSignature=|Authorization: ?SharedKey [^:\\s]+:)[^&;\\s\"'<]+");

  private AzureErrors() {
  }

  /** Translates a failure of {@code op} on {@code uri}. */
  static IOException translate(String op, ObjectUri uri, Throwable e) {
    return translate(op, uri.toString(), uri, e, false);
  }

  /** Same as {@link #translate(String, ObjectUri, Throwable)} for a conditional create: 409/412 mean "exists". */
  static IOException translateCreate(String op, ObjectUri uri, Throwable e) {
    return translate(op, uri.toString(), uri, e, true);
  }

  /**
   * Translates a failure where {@code subject} is what the message names (e.g. "src to dst") and
   * {@code uri} the object whose container a ContainerNotFound refers to.
   */
  static IOException translate(String op, String subject, ObjectUri uri, Throwable e, boolean create) {
    if (e instanceof IOException io && !(e instanceof UncheckedIOException)) {
      return io;
    }
    AzureRetryPolicy.RetriesExhaustedException gaveUp = find(e, AzureRetryPolicy.RetriesExhaustedException.class);
    if (gaveUp != null) {
      return new StoreException(StoreErrors.message(op, subject, gaveUp.getMessage()), gaveUp.status, e);
    }
    BlobStorageException bse = find(e, BlobStorageException.class);
    if (bse != null) {
      return fromStatus(op, subject, uri, bse.getStatusCode(), bse.getErrorCode() == null ? null
          : bse.getErrorCode().toString(), shortMessage(bse.getServiceMessage()), e, create);
    }
    HttpResponseException hre = find(e, HttpResponseException.class);
    if (hre != null && hre.getResponse() != null) {
      int status = hre.getResponse().getStatusCode();
      String code = hre.getResponse().getHeaderValue("x-ms-error-code");
      return fromStatus(op, subject, uri, status, code, null, e, create);
    }
    if (find(e, InterruptedException.class) != null || find(e, InterruptedIOException.class) != null) {
      InterruptedIOException ie = new InterruptedIOException(StoreErrors.message(op, subject, "interrupted"));
      ie.initCause(e);
      return ie;
    }
    return new StoreException(StoreErrors.message(op, subject, scrub(StoreErrors.rootCause(e))), e);
  }

  /** Maps an HTTP status (of an SDK exception or of a raw pipeline response) to the contract. */
  static IOException fromStatus(String op, String subject, ObjectUri uri, int status, String errorCode,
      String serviceMessage, Throwable cause, boolean create) {
    String detail = "HTTP " + status + (errorCode == null ? "" : " " + errorCode)
        + (serviceMessage == null || serviceMessage.isEmpty() ? "" : ": " + serviceMessage);
    IOException out;
    if (status == 404 && "ContainerNotFound".equals(errorCode)) {
      out = new FileNotFoundException(StoreErrors.message(op, subject, "container '" + uri.container()
          + "' not found in account '" + uri.bucket() + "' (" + detail + ")"));
    } else if (status == 404) {
      out = new FileNotFoundException(StoreErrors.message(op, subject, "not found (" + detail + ")"));
    } else if (status == 403 || status == 401) {
      out = new AccessDeniedException(StoreErrors.message(op, subject, "access denied to account '"
          + uri.bucket() + "' (" + detail + "); check the credentials of azure.auth"));
    } else if (status == 416) {
      out = new EOFException(StoreErrors.message(op, subject, "range starts at or past the end of the object ("
          + detail + ")"));
    } else if (create && (status == 409 || status == 412)) {
      out = new FileAlreadyExistsException(StoreErrors.message(op, subject, "object already exists ("
          + detail + ")"));
    } else {
      return new StoreException(StoreErrors.message(op, subject, scrub(detail)), status, cause);
    }
    if (cause != null) {
      out.initCause(cause);
    }
    return out;
  }

  /** The {@code <Message>} of a service error, first line only (the rest may echo signatures). */
  static String shortMessage(String serviceMessage) {
    if (serviceMessage == null) {
      return null;
    }
    Matcher m = MESSAGE.matcher(serviceMessage);
    String s = m.find() ? m.group(1) : serviceMessage;
    int nl = s.indexOf('\n');
    s = (nl < 0 ? s : s.substring(0, nl)).trim();
    if (s.startsWith("<") || s.length() > 300) {
      return null;
    }
    return scrub(s);
  }

  /** Removes SAS signatures and account keys from a text. */
  static String scrub(String s) {
    return s == null ? null : SECRETS.matcher(s).replaceAll("$1****");
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
