package io.s3dlio.bridge.plan;

import java.util.Arrays;

/**
 * The order of one epoch, a function of the seed, the epoch and the partition row counts only.
 *
 * <p>The partitions are permuted; consecutive runs of {@code blockPartitions} of them form the
 * blocks; the rows of a block (numbered partition after partition, in block order) are permuted
 * among themselves. The epoch's sequence is block 0's permuted rows, then block 1's, and so on:
 * sequence position {@code blockStart(b) + p[r]} holds row {@code r} of block {@code b}, where
 * {@code p = SplitMix64.permutation(blockRows(b), blockSeed(b))}.
 */
public final class EpochPlan {
  private final long[] counts;
  private final int blockPartitions;
  private final long seed;
  private final long epoch;
  private final int[] order;
  private final long[] blockStart;

  private EpochPlan(long[] counts, int blockPartitions, long seed, long epoch) {
    this.counts = counts.clone();
    this.blockPartitions = blockPartitions;
    this.seed = seed;
    this.epoch = epoch;
    this.order = SplitMix64.permutation(counts.length, SplitMix64.combine(epochSeed(), -1));
    int blocks = (counts.length + blockPartitions - 1) / blockPartitions;
    this.blockStart = new long[blocks + 1];
    for (int b = 0; b < blocks; b++) {
      long rows = 0;
      for (int pid : blockPartitionIds(b)) {
        rows += counts[pid];
      }
      if (rows > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("Cannot plan epoch " + epoch + ": block " + b + " has " + rows
            + " rows, more than 2^31; lower block-partitions or repartition");
      }
      blockStart[b + 1] = blockStart[b] + rows;
    }
  }

  public static EpochPlan of(long[] counts, int blockPartitions, long seed, long epoch) {
    if (blockPartitions < 1) {
      throw new IllegalArgumentException("block-partitions must be at least 1, got " + blockPartitions);
    }
    return new EpochPlan(counts, blockPartitions, seed, epoch);
  }

  private long epochSeed() {
    return SplitMix64.combine(seed, epoch);
  }

  public long epoch() {
    return epoch;
  }

  public long rows() {
    return blockStart[blockStart.length - 1];
  }

  public int blocks() {
    return blockStart.length - 1;
  }

  /** Partition ids of the epoch in plan order. */
  public int[] partitionOrder() {
    return order.clone();
  }

  /** Partition ids of block {@code b}, in block order. */
  public int[] blockPartitionIds(int b) {
    int from = b * blockPartitions;
    return Arrays.copyOfRange(order, from, Math.min(from + blockPartitions, order.length));
  }

  public long[] blockCounts(int b) {
    int[] ids = blockPartitionIds(b);
    long[] c = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      c[i] = counts[ids[i]];
    }
    return c;
  }

  public long blockStart(int b) {
    return blockStart[b];
  }

  public long blockEnd(int b) {
    return blockStart[b + 1];
  }

  public long blockSeed(int b) {
    return SplitMix64.combine(epochSeed(), b);
  }

  /** The block holding sequence position {@code position} (0 &lt;= position &lt; rows()). */
  public int blockOf(long position) {
    int i = Arrays.binarySearch(blockStart, position);
    if (i >= 0) {
      while (i + 1 < blockStart.length && blockStart[i + 1] == position) {
        i++; // skip empty blocks
      }
      return i;
    }
    return -i - 2;
  }
}
