package io.s3dlio.cli;

import io.s3dlio.store.ObjectUri;

/** URI helpers of the CLI commands. */
final class Uris {
  private Uris() {
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
