package io.s3dlio.loader.dataset;

import io.s3dlio.store.ObjectStat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Builds a dataset fingerprint: the first 16 bytes of a SHA-256 over what identifies the data, in hex. */
final class Fingerprint {
  private final MessageDigest sha;

  Fingerprint(String kind) {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    add(kind);
  }

  Fingerprint add(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    add(b.length);
    sha.update(b);
    return this;
  }

  Fingerprint add(long v) {
    for (int i = 0; i < 8; i++) {
      sha.update((byte) (v >>> (8 * i)));
    }
    return this;
  }

  /** An object's identity: URI, size, and etag (or last-modified time where there is none). */
  Fingerprint add(ObjectStat s) {
    add(s.uri().toString()).add(s.size());
    if (s.etag() != null) {
      add(s.etag());
    } else {
      add(s.lastModified() == null ? -1 : s.lastModified().toEpochMilli());
    }
    return this;
  }

  String hex() {
    byte[] d = sha.digest();
    return HexFormat.of().formatHex(d, 0, 16);
  }
}
