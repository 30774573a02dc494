package io.s3dlio.loader;

/**
 * What a dataset reports while it fetches for the loader: each storage request (for the latency
 * histogram and the byte rate) and each sample that failed.
 */
public interface FetchContext {

  /** A context that records nothing (direct use of a dataset outside a loader). */
  FetchContext NONE = (nanos, bytes) -> { };

  /** One storage request took {@code nanos} and returned {@code bytes}. */
  void request(long nanos, long bytes);
}
