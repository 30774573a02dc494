package io.s3dlio.loader.sampler;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * {@code numSamples} draws with replacement, index {@code i} drawn with probability
 * {@code weights[i] / sum(weights)} (as PyTorch's {@code WeightedRandomSampler} with
 * {@code replacement=True}). Each position's draw is a function of the seed, the epoch and the
 * position (Vose's alias method over a per-position hash), so any position is computed directly.
 */
public final class WeightedSampler implements Sampler {
  private final long numSamples;
  private final long seed;
  private final double[] prob;
  private final int[] alias;
  private long key;

  public WeightedSampler(double[] weights, long numSamples, long seed) {
    int n = weights.length;
    if (n == 0 || numSamples < 0) {
      throw new IllegalArgumentException("Cannot draw " + numSamples + " samples from " + n + " weights");
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("Cannot use weight " + weights[i] + " at index " + i
            + ": weights are finite and >= 0");
      }
      sum += weights[i];
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("Cannot draw from weights that are all 0");
    }
    this.numSamples = numSamples;
    this.seed = seed;
    this.prob = new double[n];
    this.alias = new int[n];
    double[] scaled = new double[n];
    Deque<Integer> small = new ArrayDeque<>();
    Deque<Integer> large = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / sum;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (!small.isEmpty() && !large.isEmpty()) {
      int s = small.pop();
      int l = large.pop();
      prob[s] = scaled[s];
      alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    while (!large.isEmpty()) {
      int l = large.pop();
      prob[l] = 1;
      alias[l] = l;
    }
    while (!small.isEmpty()) {
      int s = small.pop();
      prob[s] = 1;
      alias[s] = s;
    }
    setEpoch(0);
  }

  @Override
  public long length() {
    return numSamples;
  }

  @Override
  public long index(long position) {
    Mix.checkPosition(position, numSamples);
    long h1 = Mix.mix(key + position * 0x9e3779b97f4a7c15L);
    long h2 = Mix.mix(h1 ^ 0xd1b54a32d192ed03L);
    int col = (int) (((h1 >>> 11) * 0x1.0p-53) * prob.length);
    double coin = (h2 >>> 11) * 0x1.0p-53;
    return coin < prob[col] ? col : alias[col];
  }

  @Override
  public void setEpoch(long epoch) {
    this.key = Mix.key(seed, epoch, 4);
  }
}
