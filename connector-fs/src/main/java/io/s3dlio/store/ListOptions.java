package io.s3dlio.store;

/**
 * How to list.
 *
 * @param delimiter null for a recursive (flat) listing of every key under the prefix; otherwise
 *     keys that contain the delimiter after the prefix are rolled up into one prefix row
 * @param pageSize how many keys to ask the store for per request (the store may cap it)
 */
public record ListOptions(String delimiter, int pageSize) {
  public static final int DEFAULT_PAGE_SIZE = 1000;

  public ListOptions {
    if (delimiter != null && delimiter.isEmpty()) {
      throw new IllegalArgumentException("Cannot list with an empty delimiter (use null for recursive)");
    }
    if (pageSize <= 0) {
      throw new IllegalArgumentException("Cannot list with page size " + pageSize);
    }
  }

  /** Every key under the prefix. */
  public static ListOptions recursive() {
    return new ListOptions(null, DEFAULT_PAGE_SIZE);
  }

  /** One level under the prefix, with "/" as the delimiter. */
  public static ListOptions oneLevel() {
    return new ListOptions("/", DEFAULT_PAGE_SIZE);
  }

  public ListOptions withPageSize(int size) {
    return new ListOptions(delimiter, size);
  }

  public boolean isRecursive() {
    return delimiter == null;
  }
}
