package io.s3dlio.loader;

/** What the loader does with a sample that cannot be read or decoded. */
public enum ErrorPolicy {
  /** Fail the batch that needs it: the iterator throws a {@link LoaderException} whose cause is the {@link SampleException}. */
  FAIL,
  /**
   * Leave it out, count it ({@link LoaderMetrics.Snapshot#skipped()}) and log a warning with its
   * message; the batch is filled with the next samples.
   */
  SKIP
}
