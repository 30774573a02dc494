package io.s3dlio.cli;

import io.s3dlio.store.ObjectUri;
import java.nio.file.Path;

/** CLI arguments to URIs: a plain path (no scheme) means a local file. */
final class Uris {
  private Uris() {
  }

  static ObjectUri parse(String arg) {
    if (!arg.contains("://") && !arg.startsWith("file:") && !arg.startsWith("direct:")) {
      String abs = Path.of(arg).toAbsolutePath().normalize().toString();
      if (arg.endsWith("/") && !abs.endsWith("/")) {
        abs += "/";
      }
      return ObjectUri.local(ObjectUri.Scheme.FILE, abs);
    }
    return ObjectUri.parse(arg);
  }

  /** The URI as a prefix to list under: the key with a trailing '/' unless it is a root. */
  static ObjectUri asDirectory(ObjectUri uri) {
    String k = uri.key();
    if (k.isEmpty() || k.endsWith("/")) {
      return uri;
    }
    return uri.withKey(k + "/");
  }
}
