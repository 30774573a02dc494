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

  /**
   * The dataset indices visited at positions {@code from .. from + out.length - 1}, into
   * {@code out}: what {@link #index} gives for each, computed in one go (the loader asks for a
   * whole fetch at once; samplers override this where a run of positions shares work).
   */
  default void indices(long from, long[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = index(from + i);
    }
  }

  /**
   * The end of the run of positions from {@code position} that read records lying together
   * (the sampler's locality group): the loader fetches such runs whole, so that their records are
   * read with a few large requests. The default, 1 past {@code position}, means no grouping.
   */
  default long groupEnd(long position) {
    return position + 1;
  }

  /** Selects the epoch whose order {@link #index} gives (seeded samplers mix it into the seed). */
  void setEpoch(long epoch);
}
