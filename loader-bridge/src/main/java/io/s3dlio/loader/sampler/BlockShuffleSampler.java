package io.s3dlio.loader.sampler;

/**
 * Every index once per epoch, shuffled with locality: the dataset is cut into blocks of
 * {@code blockSize} consecutive indices, the blocks are visited in a random order, and the
 * indices inside each block in a random order; both orders change with the epoch. A batch of
 * {@code blockSize} positions therefore needs at most two blocks of neighbouring records, which a
 * coalescing dataset (TFRecord through its index, NPZ, HDF5) reads with one or two range
 * requests instead of one per sample. The price is weaker mixing than {@link RandomSampler}:
 * samples of one block stay in the same batch or the next one.
 */
public final class BlockShuffleSampler implements Sampler {
  private final long n;
  private final long blockSize;
  private final long seed;
  private final long blocks;
  private final long lastSize;
  private long epoch;
  private FeistelPermutation blockPerm;
  private long lastSlot;
  private long cachedBlock = -1;
  private FeistelPermutation cachedInner;

  public BlockShuffleSampler(long n, long blockSize, long seed) {
    if (n < 0 || blockSize < 1) {
      throw new IllegalArgumentException("Cannot block-shuffle " + n + " samples in blocks of " + blockSize);
    }
    this.n = n;
    this.blockSize = blockSize;
    this.seed = seed;
    this.blocks = (n + blockSize - 1) / blockSize;
    this.lastSize = n - (blocks - 1) * blockSize;
    setEpoch(0);
  }

  @Override
  public long length() {
    return n;
  }

  @Override
  public long index(long position) {
    Mix.checkPosition(position, n);
    long slot;
    long off;
    long before = lastSlot * blockSize;
    if (position < before) {
      slot = position / blockSize;
      off = position % blockSize;
    } else if (position < before + lastSize) {
      slot = lastSlot;
      off = position - before;
    } else {
      long q = position - before - lastSize;
      slot = lastSlot + 1 + q / blockSize;
      off = q % blockSize;
    }
    long block = blockPerm.apply(slot);
    if (block != cachedBlock) {
      long size = block == blocks - 1 ? lastSize : blockSize;
      cachedInner = new FeistelPermutation(size, Mix.key(seed, epoch, 3 + block));
      cachedBlock = block;
    }
    return block * blockSize + cachedInner.apply(off);
  }

  @Override
  public void setEpoch(long e) {
    this.epoch = e;
    this.blockPerm = new FeistelPermutation(blocks, Mix.key(seed, e, 2));
    this.lastSlot = blocks == 0 ? 0 : blockPerm.inverse(blocks - 1);
    this.cachedBlock = -1;
  }
}
