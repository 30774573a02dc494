package io.s3dlio.loader.sampler;

/**
 * What the samplers share: 64-bit mixing (SplitMix64's finaliser) to derive per-epoch keys and
 * per-position draws, and the checks of their arguments.
 */
final class Mix {
  private Mix() {
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A key made of a seed, an epoch and a salt that tells uses apart. */
  static long key(long seed, long epoch, long salt) {
    return mix(mix(seed ^ 0x9e3779b97f4a7c15L) + mix(epoch + 0x632be59bd9b4e019L) * 31 + salt);
  }

  /** Checks {@code 0 <= position < length}. */
  static void checkPosition(long position, long length) {
    if (position < 0 || position >= length) {
      throw new IndexOutOfBoundsException("Position " + position + " is outside [0, " + length + ")");
    }
  }

  /** Checks a dataset size. */
  static long checkSize(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("Cannot sample a dataset of " + n + " samples");
    }
    return n;
  }
}
