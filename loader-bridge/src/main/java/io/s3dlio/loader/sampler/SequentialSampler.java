package io.s3dlio.loader.sampler;

/** Indices {@code 0 .. n - 1} in order, every epoch. */
public final class SequentialSampler implements Sampler {
  private final long n;

  public SequentialSampler(long n) {
    this.n = Mix.checkSize(n);
  }

  @Override
  public long length() {
    return n;
  }

  @Override
  public long index(long position) {
    Mix.checkPosition(position, n);
    return position;
  }

  @Override
  public void setEpoch(long epoch) {
  }
}
