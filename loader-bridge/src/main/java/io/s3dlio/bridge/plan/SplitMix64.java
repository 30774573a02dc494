package io.s3dlio.bridge.plan;

/**
 * The SplitMix64 generator (Steele, Lea and Flood, 2014), written out so that an epoch's order
 * depends on nothing but the seed (not on a JDK's {@code Random}).
 */
public final class SplitMix64 {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** The SplitMix64 output function (a 64-bit finaliser). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Combines two values into a seed. */
  public static long combine(long a, long b) {
    return mix(mix(a) + GOLDEN * (b + 1));
  }

  public long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** A value in [0, bound): the high bits times the bound (Lemire), bias below 2^-32 for int bounds. */
  public int nextInt(int bound) {
    return (int) Math.multiplyHigh(nextLong() >>> 1, (long) bound << 1);
  }

  /**
   * A uniformly random permutation of [0, n) by Fisher–Yates (read as {@code p[i]} = the place of
   * element i, or as the element at place i: both are uniform).
   */
  public static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplitMix64 rng = new SplitMix64(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
