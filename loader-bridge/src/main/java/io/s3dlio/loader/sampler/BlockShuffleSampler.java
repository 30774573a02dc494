package io.s3dlio.loader.sampler;

/**
 * Every index once per epoch, shuffled with locality. The dataset is cut into blocks of
 * {@code blockSize} consecutive indices (the last one may be short) and the blocks are put in a
 * random order; consecutive runs of {@code mix} blocks of that order form <em>groups</em>, and the
 * indices of each group are visited in a uniformly random order (a permutation of the group's
 * {@code mix * blockSize} indices). Groups follow each other in the block order. Both orders
 * change with the epoch.
 *
 * <p>So each sample's position in the epoch is random, and any run of positions inside one group
 * is a random draw, without replacement, from {@code mix} randomly chosen blocks. What is kept is
 * locality: a group needs only its {@code mix} blocks of neighbouring records, which a coalescing
 * dataset (TFRecord through its index, NPZ, HDF5) reads with one range request per block when the
 * loader fetches whole groups ({@link #groupEnd}). The mixing is weaker than
 * {@link RandomSampler}'s: two samples of one batch come from the same group, and the samples of
 * a block are spread over the positions of its group only. With {@code mix = 1} a group is one
 * block (the indices inside a block in random order, blocks in random order); with
 * {@code blockSize = 1} and {@code mix >= n} it is a full shuffle.
 */
public final class BlockShuffleSampler implements Sampler {
  private final long n;
  private final long blockSize;
  private final long mix;
  private final long seed;
  private final long blocks;
  private final long lastSize;
  private long epoch;
  private FeistelPermutation blockPerm;
  /** Slot (place in the block order) of the short last block. */
  private long lastSlot;
  private long cachedGroup = -1;
  private FeistelPermutation cachedPerm;

  /** Blocks of {@code blockSize} indices, each shuffled on its own ({@code mix = 1}). */
  public BlockShuffleSampler(long n, long blockSize, long seed) {
    this(n, blockSize, 1, seed);
  }

  /** Blocks of {@code blockSize} indices, groups of {@code mix} blocks shuffled together. */
  public BlockShuffleSampler(long n, long blockSize, long mix, long seed) {
    if (n < 0 || blockSize < 1 || mix < 1) {
      throw new IllegalArgumentException("Cannot block-shuffle " + n + " samples in blocks of " + blockSize
          + " mixed " + mix + " at a time");
    }
    this.n = n;
    this.blockSize = blockSize;
    this.mix = mix;
    this.seed = seed;
    this.blocks = (n + blockSize - 1) / blockSize;
    this.lastSize = n - (blocks - 1) * blockSize;
    setEpoch(0);
  }

  @Override
  public long length() {
    return n;
  }

  /** The first position of the block at {@code slot} of the block order ({@code n} for {@code slot == blocks}). */
  private long slotStart(long slot) {
    return slot * blockSize - (slot > lastSlot ? blockSize - lastSize : 0);
  }

  /** The slot holding {@code position}. */
  private long slotOf(long position) {
    long before = lastSlot * blockSize;
    if (position < before) {
      return position / blockSize;
    }
    if (position < before + lastSize) {
      return lastSlot;
    }
    return lastSlot + 1 + (position - before - lastSize) / blockSize;
  }

  @Override
  public long index(long position) {
    Mix.checkPosition(position, n);
    long first = slotOf(position) / mix * mix;
    long end = Math.min(first + mix, blocks);
    long start = slotStart(first);
    long e = groupPermutation(first, start, slotStart(end)).apply(position - start);
    // element e of the group: the group's blocks one after the other in slot order
    long slot;
    long off;
    long ls = lastSlot - first;
    if (lastSlot >= first && lastSlot < end && e >= ls * blockSize) {
      long q = e - ls * blockSize;
      if (q < lastSize) {
        slot = lastSlot;
        off = q;
      } else {
        q -= lastSize;
        slot = lastSlot + 1 + q / blockSize;
        off = q % blockSize;
      }
    } else {
      slot = first + e / blockSize;
      off = e % blockSize;
    }
    return blockPerm.apply(slot) * blockSize + off;
  }

  /**
   * {@link #index} of each position, a group at a time: its permutation and where its blocks lie
   * are worked out once per group, so each position costs one step of the group's permutation.
   */
  @Override
  public void indices(long from, long[] out) {
    if (out.length == 0) {
      return;
    }
    Mix.checkPosition(from, n);
    Mix.checkPosition(from + out.length - 1, n);
    int i = 0;
    while (i < out.length) {
      long position = from + i;
      long first = slotOf(position) / mix * mix;
      long end = Math.min(first + mix, blocks);
      long start = slotStart(first);
      long groupEnd = slotStart(end);
      int k = (int) Math.min(out.length - i, groupEnd - position);
      // the dataset index of the first element of each of the group's blocks, in slot order, and where
      // each block starts among the group's elements (the short last block may be one of them)
      int count = (int) (end - first);
      long[] base = new long[count];
      long[] at = new long[count + 1];
      for (int b = 0; b < count; b++) {
        base[b] = blockPerm.apply(first + b) * blockSize;
        at[b + 1] = at[b] + (first + b == lastSlot ? lastSize : blockSize);
      }
      // a bulk call: the group's rounds as tables (same permutation, a lookup a round)
      FeistelPermutation perm = groupPermutation(first, start, groupEnd).tabulate();
      boolean even = lastSlot < first || lastSlot >= end;
      for (int j = 0; j < k; j++) {
        long e = perm.apply(position + j - start);
        int b;
        if (even) {
          b = (int) (e / blockSize);
        } else {
          b = 0;
          while (e >= at[b + 1]) {
            b++;
          }
        }
        out[i + j] = base[b] + (e - at[b]);
      }
      i += k;
    }
  }

  /** The permutation of the group whose first block is {@code first}, elements {@code [start, end)}: kept for the next call. */
  private FeistelPermutation groupPermutation(long first, long start, long end) {
    if (first != cachedGroup) {
      // the key of a group is that of its first block, so that mix = 1 shuffles each block as before
      cachedPerm = new FeistelPermutation(end - start, Mix.key(seed, epoch, 3 + blockPerm.apply(first)));
      cachedGroup = first;
    }
    return cachedPerm;
  }

  /** The end of the group holding {@code position}: the loader fetches whole groups. */
  @Override
  public long groupEnd(long position) {
    Mix.checkPosition(position, n);
    return slotStart(Math.min(slotOf(position) / mix * mix + mix, blocks));
  }

  @Override
  public void setEpoch(long e) {
    this.epoch = e;
    this.blockPerm = new FeistelPermutation(blocks, Mix.key(seed, e, 2));
    this.lastSlot = blocks == 0 ? 0 : blockPerm.inverse(blocks - 1);
    this.cachedGroup = -1;
  }
}
