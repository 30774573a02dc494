package io.s3dlio.loader;

/**
 * What a dataset reports while it fetches for the loader (each storage request, for the latency
 * histogram and the byte rate), and whether the fetch is still wanted.
 */
public interface FetchContext {

  /** A context that records nothing (direct use of a dataset outside a loader). */
  FetchContext NONE = (nanos, bytes) -> { };

  /** One storage request took {@code nanos} and returned {@code bytes}. */
  void request(long nanos, long bytes);

  /**
   * Whether the samples are no longer wanted (the iterator was closed): a dataset checks it
   * between requests and stops early (what it did not read is then reported as failed).
   */
  default boolean cancelled() {
    return false;
  }
}
