package io.s3dlio.bridge.plan;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What an executor task needs to place the rows of one partition: the shape of its block, the
 * block's seed and the output range of the unit. Plain values, shipped to the executors.
 *
 * @param partition the partition id
 * @param blockCounts row counts of the block's partitions, in block order
 * @param indexInBlock this partition's place in the block
 * @param blockStart sequence position of the block's first row
 * @param blockSeed seed of the block's row permutation
 * @param outStart first output position the unit delivers
 * @param outEnd end (exclusive) of the unit's output positions
 * @param shift added to a sequence position to give its output position (0, or the epoch's row
 *     count for a wrap unit)
 * @param checksumKnown whether the partition was computed before (then its checksum is known)
 * @param expectedChecksum checksum of the partition's rows when first computed
 */
public record PartitionTask(int partition, long[] blockCounts, int indexInBlock, long blockStart, long blockSeed,
    long outStart, long outEnd, long shift, boolean checksumKnown, int expectedChecksum) implements Serializable {

  public long expectedCount() {
    return blockCounts[indexInBlock];
  }

  /**
   * Where this partition's rows go: {@code slots[i]} is the place of natural row i in the
   * partition's output (or -1: not delivered by this unit); {@code positions[k]} is the output
   * position of output row k, ascending.
   */
  public Placement placement() {
    int m = 0;
    int first = 0;
    for (int i = 0; i < blockCounts.length; i++) {
      if (i == indexInBlock) {
        first = m;
      }
      m += (int) blockCounts[i];
    }
    int n = (int) expectedCount();
    int[] perm = SplitMix64.permutation(m, blockSeed);
    // The partition's rows have distinct positions (a permutation), and the unit's output range is
    // about the block's size: mark each row at its offset in the range, then read the range in
    // order. Linear, with no sort of the rows.
    long range = outEnd - outStart;
    int[] rowAt = null;
    if (range <= 4L * m + 1024) {
      rowAt = new int[(int) Math.max(0, range)];
      Arrays.fill(rowAt, -1);
    }
    long[] keys = rowAt == null ? new long[n] : null;
    int emitted = 0;
    for (int i = 0; i < n; i++) {
      long p = blockStart + perm[first + i] + shift;
      if (p >= outStart && p < outEnd) {
        if (rowAt != null) {
          rowAt[(int) (p - outStart)] = i;
        } else {
          keys[emitted] = ((p - outStart) << 32) | i;
        }
        emitted++;
      }
    }
    int[] slots = new int[n];
    Arrays.fill(slots, -1);
    long[] positions = new long[emitted];
    if (rowAt != null) {
      int k = 0;
      for (int at = 0; at < rowAt.length; at++) {
        if (rowAt[at] >= 0) {
          slots[rowAt[at]] = k;
          positions[k++] = outStart + at;
        }
      }
    } else {
      Arrays.sort(keys, 0, emitted);
      for (int k = 0; k < emitted; k++) {
        slots[(int) keys[k]] = k;
        positions[k] = outStart + (keys[k] >>> 32);
      }
    }
    return new Placement(slots, positions);
  }

  /** See {@link #placement()}. */
  public record Placement(int[] slots, long[] positions) {
    public int rows() {
      return positions.length;
    }
  }
}
