package io.s3dlio.store;

import java.util.Locale;
import java.util.Objects;

/**
 * The address of one object (or of a prefix) in a store.
 *
 * <p>Accepted forms, chosen by scheme:
 * <ul>
 *   <li>{@code s3://bucket/key}</li>
 *   <li>{@code gs://bucket/key}</li>
 *   <li>{@code az://account/container/path}</li>
 *   <li>{@code file:///abs/path} (also Hadoop's {@code file:/abs/path})</li>
 *   <li>{@code direct:///abs/path} (also {@code direct:/abs/path})</li>
 * </ul>
 *
 * <p>The key is taken verbatim: no percent-decoding and no normalisation, so keys with spaces,
 * unicode and {@code %} round-trip exactly. This is why the class does not use {@link java.net.URI},
 * which rejects spaces and decodes {@code %XX}.
 */
public final class ObjectUri {
  private final Scheme scheme;
  private final String bucket;
  private final String container;
  private final String key;

  private ObjectUri(Scheme scheme, String bucket, String container, String key) {
    this.scheme = scheme;
    this.bucket = bucket;
    this.container = container;
    this.key = key;
  }

  /**
   * Parses a URI string.
   *
   * @throws IllegalArgumentException naming the URI when the scheme is unknown or a bucket,
   *     account or container is missing
   */
  public static ObjectUri parse(String uri) {
    Objects.requireNonNull(uri, "uri is null");
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("Cannot parse URI '" + uri + "': no scheme (expected one of "
          + Scheme.list() + ")");
    }
    Scheme scheme = Scheme.of(uri.substring(0, colon), uri);
    String rest = uri.substring(colon + 1);
    if (scheme.isLocal()) {
      // file:///p, file:/p and file://localhost/p are all accepted.
      String path;
      if (rest.startsWith("///")) {
        path = rest.substring(2);
      } else if (rest.startsWith("//")) {
        int slash = rest.indexOf('/', 2);
        String host = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
        if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
          throw new IllegalArgumentException("Cannot parse URI '" + uri + "': a " + scheme.id()
              + " URI has no host (use " + scheme.id() + ":///absolute/path)");
        }
        path = slash < 0 ? "/" : rest.substring(slash);
      } else if (rest.startsWith("/")) {
        path = rest;
      } else {
        throw new IllegalArgumentException("Cannot parse URI '" + uri + "': the path must be absolute ("
            + scheme.id() + ":///absolute/path)");
      }
      return new ObjectUri(scheme, "", "", path);
    }
    if (!rest.startsWith("//")) {
      throw new IllegalArgumentException("Cannot parse URI '" + uri + "': expected " + scheme.id()
          + "://" + scheme.authorityHint() + "/key");
    }
    rest = rest.substring(2);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("Cannot parse URI '" + uri + "': missing "
          + (scheme == Scheme.AZ ? "account" : "bucket") + " (expected " + scheme.id() + "://"
          + scheme.authorityHint() + "/key)");
    }
    if (scheme == Scheme.AZ) {
      int cslash = path.indexOf('/');
      String container = cslash < 0 ? path : path.substring(0, cslash);
      String key = cslash < 0 ? "" : path.substring(cslash + 1);
      if (container.isEmpty()) {
        throw new IllegalArgumentException("Cannot parse URI '" + uri
            + "': missing container (expected az://account/container/path)");
      }
      return new ObjectUri(scheme, bucket, container, key);
    }
    return new ObjectUri(scheme, bucket, "", path);
  }

  /**
   * {@link #parse(String)} for command-line arguments: a string with no scheme is a local path,
   * made absolute against the working directory ({@code data/x} becomes {@code file:///cwd/data/x};
   * a trailing '/' is kept).
   */
  public static ObjectUri parseOrLocalPath(String arg) {
    if (arg.contains("://") || arg.startsWith("file:") || arg.startsWith("direct:")) {
      return parse(arg);
    }
    String abs = java.nio.file.Path.of(arg).toAbsolutePath().normalize().toString();
    if (arg.endsWith("/") && !abs.endsWith("/")) {
      abs += "/";
    }
    return local(Scheme.FILE, abs);
  }

  /** An object URI for a local path ({@code file} or {@code direct} scheme). */
  public static ObjectUri local(Scheme scheme, String absolutePath) {
    if (!scheme.isLocal() || !absolutePath.startsWith("/")) {
      throw new IllegalArgumentException("Cannot make a local URI of " + scheme.id() + " " + absolutePath);
    }
    return new ObjectUri(scheme, "", "", absolutePath);
  }

  public Scheme scheme() {
    return scheme;
  }

  /** Bucket (s3, gs) or storage account (az); empty for local schemes. */
  public String bucket() {
    return bucket;
  }

  /** Azure container; empty for other schemes. */
  public String container() {
    return container;
  }

  /**
   * The object key, verbatim. For local schemes it is the absolute path (starts with '/'); for
   * object stores it never starts with the separator of the authority and may be empty (the root).
   */
  public String key() {
    return key;
  }

  /** Same store location with another key. */
  public ObjectUri withKey(String newKey) {
    return new ObjectUri(scheme, bucket, container, newKey);
  }

  /** Appends {@code name} to this URI as a child, adding a '/' separator when needed. */
  public ObjectUri child(String name) {
    if (key.isEmpty() || key.endsWith("/")) {
      return withKey(key + name);
    }
    return withKey(key + "/" + name);
  }

  /** The last path segment of the key (ignoring one trailing '/'). */
  public String name() {
    String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
    return k.substring(k.lastIndexOf('/') + 1);
  }

  /** The URI of the root of this bucket/container (key ""), or "/" for local schemes. */
  public ObjectUri root() {
    return withKey(scheme.isLocal() ? "/" : "");
  }

  /** Canonical form; {@code parse(toString())} gives an equal URI. */
  @Override
  public String toString() {
    switch (scheme) {
      case FILE:
      case DIRECT:
        return scheme.id() + "://" + key;
      case AZ:
        return "az://" + bucket + "/" + container + (key.isEmpty() ? "" : "/" + key);
      default:
        return scheme.id() + "://" + bucket + "/" + key;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ObjectUri)) {
      return false;
    }
    ObjectUri other = (ObjectUri) o;
    return scheme == other.scheme && bucket.equals(other.bucket) && container.equals(other.container)
        && key.equals(other.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, bucket, container, key);
  }

  /** The URI schemes this library serves. */
  public enum Scheme {
    S3("s3", "bucket"),
    GS("gs", "bucket"),
    AZ("az", "account/container"),
    FILE("file", ""),
    DIRECT("direct", "");

    private final String id;
    private final String authorityHint;

    Scheme(String id, String authorityHint) {
      this.id = id;
      this.authorityHint = authorityHint;
    }

    public String id() {
      return id;
    }

    String authorityHint() {
      return authorityHint;
    }

    public boolean isLocal() {
      return this == FILE || this == DIRECT;
    }

    static Scheme of(String s, String uri) {
      String lower = s.toLowerCase(Locale.ROOT);
      for (Scheme v : values()) {
        if (v.id.equals(lower)) {
          return v;
        }
      }
      throw new IllegalArgumentException("Cannot parse URI '" + uri + "': unknown scheme '" + s
          + "' (expected one of " + list() + ")");
    }

    static String list() {
      StringBuilder sb = new StringBuilder();
      for (Scheme v : values()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(v.id).append("://");
      }
      return sb.toString();
    }
  }
}
