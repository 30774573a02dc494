package io.s3dlio.loader.sampler;

/** Indices {@code 0 .. n - 1} in order, every epoch. */
public final class SequentialSampler implements Sampler {
  private final long n;

  public SequentialSampler(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("Cannot sample a dataset of " + n + " samples");
    }
    this.n = n;
  }

  @Override
  public long length() {
    return n;
  }

  @Override
  public long index(long position) {
    if (position < 0 || position >= n) {
      throw new IndexOutOfBoundsException("Position " + position + " is outside [0, " + n + ")");
    }
    return position;
  }

  @Override
  public void setEpoch(long epoch) {
  }
}
