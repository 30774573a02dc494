package io.s3dlio.loader.dataset;

import java.io.IOException;

/**
 * The bytes of one coalesced range request, read front to back into the arrays of the pieces it
 * serves: from a stream through a small buffer ({@link RangeReader}), or from a memory mapping of
 * a local file ({@link MappedRange}). Keeps the file offset of the next byte and what the
 * loader's metrics count of the request.
 */
interface RangeInput extends AutoCloseable {

  /** File offset of the next byte. */
  long offset();

  /** Bytes read from the source so far. */
  long bytes();

  /** Nanoseconds spent opening and reading the source (the request's latency; not decoding). */
  long nanos();

  /**
   * Reads {@code len} bytes into {@code dst} at {@code off}; returns how many were read, fewer
   * only where the data ended.
   */
  int read(byte[] dst, int off, int len) throws IOException;

  /** Skips to file offset {@code target} (not before the current one); false where the data ended first. */
  boolean skipTo(long target) throws IOException;

  @Override
  void close() throws IOException;
}
