package io.s3dlio.loader.sampler;

/**
 * Every index once per epoch, in a pseudo-random order fixed by the seed and the epoch
 * ({@link FeistelPermutation}): the same seed and epoch give the same order on every machine and
 * JVM; another epoch gives another order.
 */
public final class RandomSampler implements Sampler {
  private final long n;
  private final long seed;
  private FeistelPermutation perm;

  public RandomSampler(long n, long seed) {
    this.n = Mix.checkSize(n);
    this.seed = seed;
    setEpoch(0);
  }

  @Override
  public long length() {
    return n;
  }

  @Override
  public long index(long position) {
    return perm.apply(position);
  }

  /** {@link #index} of each position: the permutation's rounds as tables first (the same order). */
  @Override
  public void indices(long from, long[] out) {
    if (out.length >= 64) {
      perm.tabulate();
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = perm.apply(from + i);
    }
  }

  @Override
  public void setEpoch(long epoch) {
    perm = new FeistelPermutation(n, Mix.key(seed, epoch, 1));
  }
}
