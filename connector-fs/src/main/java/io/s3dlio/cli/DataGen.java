package io.s3dlio.cli;

import java.util.SplittableRandom;

/**
 * Synthetic object data with a controlled dedup factor and compression ratio, as the original
 * s3dlio's generator: the object is cut into {@value #BLOCK}-byte blocks; only
 * {@code ceil(blocks / dedup)} of them are distinct and the rest repeat them in turn (block
 * {@code i} is distinct block {@code i mod unique}), so a deduplicating store keeps
 * {@code 1/dedup} of the bytes; in each distinct block the first {@code 1 - 1/compress} of the bytes
 * are zeros and the rest random, so a compressor shrinks it about {@code compress} times.
 * Each object (seed) has its own blocks. Generated in any chunks, without holding the object.
 */
final class DataGen {
  static final int BLOCK = 64 << 10;

  private final long size;
  private final long unique;
  private final int zeros;

  DataGen(long size, double dedup, double compress) {
    if (size < 0 || !(dedup >= 1) || !(compress >= 1)) {
      throw new IllegalArgumentException("Cannot generate data of size " + size + ", dedup " + dedup
          + ", compress " + compress + ": need size >= 0, dedup >= 1 and compress >= 1");
    }
    this.size = size;
    long blocks = Math.max(1, (size + BLOCK - 1) / BLOCK);
    this.unique = Math.max(1, (long) Math.ceil(blocks / dedup));
    this.zeros = (int) Math.floor(BLOCK * (1 - 1 / compress));
  }

  long size() {
    return size;
  }

  /** Fills {@code buf[off, off + len)} with the object's bytes from {@code position}. */
  void fill(long seed, long position, byte[] buf, int off, int len) {
    byte[] block = new byte[BLOCK];
    long blockIndex = -1;
    while (len > 0) {
      long b = position / BLOCK;
      int in = (int) (position % BLOCK);
      if (b != blockIndex) {
        block(seed, b % unique, block);
        blockIndex = b;
      }
      int n = Math.min(len, BLOCK - in);
      System.arraycopy(block, in, buf, off, n);
      position += n;
      off += n;
      len -= n;
    }
  }

  /** A whole object. */
  byte[] object(long seed) {
    byte[] b = new byte[Math.toIntExact(size)];
    fill(seed, 0, b, 0, b.length);
    return b;
  }

  private void block(long seed, long u, byte[] out) {
    java.util.Arrays.fill(out, 0, zeros, (byte) 0);
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + u);
    int i = zeros;
    while (i < out.length) {
      long v = r.nextLong();
      for (int k = 0; k < 8 && i < out.length; k++, v >>>= 8) {
        out[i++] = (byte) v;
      }
    }
  }
}
