package io.s3dlio.loader.sampler;

/**
 * The order in which one epoch visits a dataset: position {@code p} of the epoch
 * ({@code 0 <= p < length()}) reads dataset index {@link #index(long) index(p)}. Every sampler
 * here computes any position directly (no list of the epoch is held), so a loader resumes in the
 * middle of an epoch without replaying it. The order depends only on the seed, the epoch
 * ({@link #setEpoch}) and the dataset size.
 *
 * <p>Not thread-safe: the loader calls it from one thread.
 */
public interface Sampler {

  /** Positions in one epoch. */
  long length();

  /** The dataset index visited at {@code position}. */
  long index(long position);

  /** Selects the epoch whose order {@link #index} gives (seeded samplers mix it into the seed). */
  void setEpoch(long epoch);
}
