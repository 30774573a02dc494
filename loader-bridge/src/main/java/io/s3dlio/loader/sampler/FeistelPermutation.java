package io.s3dlio.loader.sampler;

/**
 * A keyed pseudo-random permutation of {@code [0, n)} computed one element at a time: a
 * balanced Feistel network over the smallest even number of bits that covers {@code n}, with
 * cycle walking to stay inside {@code [0, n)} (fewer than four rounds of the network on average).
 * Memory is constant whatever {@code n}, and both directions are O(1).
 */
final class FeistelPermutation {
  private static final int ROUNDS = 6;
  private final long n;
  private final int half;
  private final long mask;
  private final long[] keys = new long[ROUNDS];
  /**
   * The round functions as tables ({@code rounds[i][r]}: round {@code i} of half {@code r}), made
   * by {@link #tabulate} for runs of many elements; null: each round mixes.
   */
  private int[][] rounds;

  /** Most bits of a half whose round functions {@link #tabulate} puts in tables (6 x 1,024 ints). */
  static final int MAX_TABLE_BITS = 10;

  FeistelPermutation(long n, long key) {
    if (n < 0) {
      throw new IllegalArgumentException("Cannot permute " + n + " elements");
    }
    this.n = n;
    int bits = n <= 1 ? 2 : 64 - Long.numberOfLeadingZeros(n - 1);
    bits = Math.max(2, bits + (bits & 1));
    this.half = bits / 2;
    this.mask = (1L << half) - 1;
    long k = key;
    for (int i = 0; i < ROUNDS; i++) {
      k = Mix.mix(k + 0x9e3779b97f4a7c15L);
      keys[i] = k;
    }
  }

  long size() {
    return n;
  }

  /**
   * Makes the round functions tables, when a half has at most {@link #MAX_TABLE_BITS} bits
   * (n below about a million): {@code 6 * 2^half} mixes once (for a group of 16,384 elements,
   * 768), then each round of {@link #apply} is a table lookup instead of a mix. The permutation
   * is the same; for callers that then apply it to many elements (a bulk sampler call).
   */
  FeistelPermutation tabulate() {
    if (rounds == null && half <= MAX_TABLE_BITS) {
      int size = 1 << half;
      int[][] t = new int[ROUNDS][size];
      for (int i = 0; i < ROUNDS; i++) {
        for (int r = 0; r < size; r++) {
          t[i][r] = (int) (Mix.mix(r ^ keys[i]) & mask);
        }
      }
      rounds = t;
    }
    return this;
  }

  /** The image of {@code x}. */
  long apply(long x) {
    check(x);
    do {
      x = encrypt(x);
    } while (x >= n);
    return x;
  }

  /** The {@code x} with {@code apply(x) == y}. */
  long inverse(long y) {
    check(y);
    do {
      y = decrypt(y);
    } while (y >= n);
    return y;
  }

  private void check(long x) {
    if (x < 0 || x >= n) {
      throw new IndexOutOfBoundsException("Cannot permute " + x + ": outside [0, " + n + ")");
    }
  }

  private long encrypt(long x) {
    long l = x >>> half;
    long r = x & mask;
    int[][] tab = rounds;
    if (tab != null) {
      // the same rounds, looked up (r < 2^half)
      for (int i = 0; i < ROUNDS; i++) {
        long u = l ^ tab[i][(int) r];
        l = r;
        r = u;
      }
      return l << half | r;
    }
    for (int i = 0; i < ROUNDS; i++) {
      long t = l ^ (Mix.mix(r ^ keys[i]) & mask);
      l = r;
      r = t;
    }
    return l << half | r;
  }

  private long decrypt(long y) {
    long l = y >>> half;
    long r = y & mask;
    for (int i = ROUNDS - 1; i >= 0; i--) {
      long t = r ^ (Mix.mix(l ^ keys[i]) & mask);
      r = l;
      l = t;
    }
    return l << half | r;
  }
}
