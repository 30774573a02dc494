package io.s3dlio.store.metrics;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of the operation log: query strings of URLs (presigned URLs and SAS
 * tokens), signature and key parameters, and characters that would break a TSV row.
 */
final class Redaction {
  private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s?#\"'<>]*)\\?[^\\s\"'<>]*");
  private static final Pattern SECRET_PARAM = Pattern.compile(
      "(?i)\\b(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|accountkey|account-key"
          + "|sharedaccesssignature|sas-token|secret-key|secretkey|password|token|credential)=([^&;\\s,]+)");
  private static final Pattern CONTROL = Pattern.compile("[\\t\\r\\n\\x00-\\x1f]+");

  private Redaction() {
  }

  /** Free text (an error message) with URL queries and secret parameters cut, on one line. */
  static String text(String s) {
    if (s == null || s.isEmpty()) {
      return "";
    }
    String t = URL_QUERY.matcher(s).replaceAll("$1?<redacted>");
    t = SECRET_PARAM.matcher(t).replaceAll("$1=<redacted>");
    t = CONTROL.matcher(t).replaceAll(" ").trim();
    // a field that starts with a quote is a quoted field to CSV readers (warp's included)
    return t.startsWith("\"") ? "'" + t.substring(1) : t;
  }

  /** A field value on one line, nothing else changed (object URIs: keys are kept verbatim). */
  static String field(String s) {
    String t = hasControl(s) ? CONTROL.matcher(s).replaceAll(" ") : s;
    return t.startsWith("\"") ? "'" + t.substring(1) : t;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20) {
        return true;
      }
    }
    return false;
  }

  /** Only {@code scheme://host[:port]} of an endpoint URL: no user info, path or query. */
  static String endpoint(String url) {
    if (url == null || url.isBlank()) {
      return "";
    }
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        return "";
      }
      return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
