package io.s3dlio.fs.contract;

import java.net.URI;
import java.util.Map;

/** The test servers for the remote schemes (filled in once the S3 and Azure backends are merged). */
final class Servers {
  private Servers() {
  }

  static Map.Entry<URI, Map<String, String>> forScheme(String scheme) {
    throw new IllegalStateException("No test server for " + scheme + "://");
  }
}
