package io.s3dlio.bridge.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One run of an epoch: the epoch's sequence from {@code offset}, cut into global steps of
 * {@code worldSize * batchSize} rows. Rank r's batch at step t is the output positions
 * [offset + t*W*B + r*B, + B). Positions at or past the epoch's row count (tail = pad) stand for
 * the sequence positions they exceed it by.
 */
public final class RunPlan {
  private final EpochPlan epoch;
  private final long offset;
  private final int worldSize;
  private final int batchSize;
  private final long steps;
  private final List<FetchUnit> units;
  private final long[] unitStarts;

  public RunPlan(EpochPlan epoch, long offset, int worldSize, int batchSize, Tail tail) {
    long n = epoch.rows();
    long global = (long) worldSize * batchSize;
    if (n < global) {
      throw new IllegalArgumentException("Cannot plan epoch " + epoch.epoch() + ": the DataFrame has " + n
          + " rows, fewer than one global step (world-size " + worldSize + " x batch-size " + batchSize + ")");
    }
    if (offset < 0 || offset > n + global) {
      throw new IllegalArgumentException("Cannot plan epoch " + epoch.epoch() + ": offset " + offset
          + " is outside the epoch's " + n + " rows");
    }
    this.epoch = epoch;
    this.offset = offset;
    this.worldSize = worldSize;
    this.batchSize = batchSize;
    this.steps = tail.steps(n, offset, global);
    long end = offset + steps * global;
    List<FetchUnit> list = new ArrayList<>();
    for (int b = 0; b < epoch.blocks() && offset < Math.min(end, n); b++) {
      long s = Math.max(epoch.blockStart(b), offset);
      long e = Math.min(epoch.blockEnd(b), Math.min(end, n));
      if (s < e) {
        list.add(new FetchUnit(list.size(), b, false, s, e));
      }
    }
    if (end > n) {
      long from = Math.max(offset, n) - n;
      long to = end - n;
      for (int b = 0; b < epoch.blocks(); b++) {
        long s = Math.max(epoch.blockStart(b), from);
        long e = Math.min(epoch.blockEnd(b), to);
        if (s < e) {
          list.add(new FetchUnit(list.size(), b, true, s + n, e + n));
        }
      }
    }
    this.units = Collections.unmodifiableList(list);
    this.unitStarts = new long[list.size()];
    for (int i = 0; i < unitStarts.length; i++) {
      unitStarts[i] = list.get(i).outStart();
    }
  }

  public EpochPlan epochPlan() {
    return epoch;
  }

  public long epoch() {
    return epoch.epoch();
  }

  public long offset() {
    return offset;
  }

  public long steps() {
    return steps;
  }

  public int worldSize() {
    return worldSize;
  }

  public int batchSize() {
    return batchSize;
  }

  public List<FetchUnit> units() {
    return units;
  }

  /** First output position of rank {@code rank}'s batch at step {@code step}. */
  public long batchStart(long step, int rank) {
    return offset + step * worldSize * batchSize + (long) rank * batchSize;
  }

  /** The unit delivering output position {@code position}. */
  public int unitOf(long position) {
    int lo = 0;
    int hi = unitStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (unitStarts[mid] <= position) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * The executor tasks of unit {@code u}, in block order; {@code checksums} gives the known content
   * checksum of a partition (or null while unknown).
   */
  public PartitionTask[] tasks(FetchUnit u, java.util.function.IntFunction<Integer> checksums) {
    int[] ids = epoch.blockPartitionIds(u.block());
    long[] counts = epoch.blockCounts(u.block());
    long shift = u.wrap() ? epoch.rows() : 0;
    PartitionTask[] out = new PartitionTask[ids.length];
    for (int i = 0; i < ids.length; i++) {
      Integer sum = checksums.apply(ids[i]);
      out[i] = new PartitionTask(ids[i], counts, i, epoch.blockStart(u.block()), epoch.blockSeed(u.block()),
          u.outStart(), u.outEnd(), shift, sum != null, sum == null ? 0 : sum);
    }
    return out;
  }
}
