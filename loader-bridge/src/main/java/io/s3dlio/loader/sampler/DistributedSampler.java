package io.s3dlio.loader.sampler;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * One rank's share of a base sampler's epoch, as PyTorch's {@code DistributedSampler}: rank
 * {@code r} of {@code W} takes base positions {@code r, r + W, r + 2W, ...}. Every rank gets the
 * same count: with {@link Tail#PAD} the last positions wrap around to the start of the epoch
 * (so {@code ceil(N / W)} each, fewer than {@code W} samples seen twice), with {@link Tail#DROP}
 * the last {@code N mod W} positions are left out ({@code floor(N / W)} each). All ranks must use
 * the same base sampler, seed and epoch.
 *
 * <h2>Changing the world size in the middle of an epoch</h2>
 * {@link #resume(List)} continues an epoch that ranks of another world size had started. A
 * {@link Segment} records one earlier world: its size and how many positions each of its ranks
 * had consumed. The samples <em>remaining</em> after it are the base positions of the epoch that
 * none of its ranks had consumed, in base order (a position that a rank consumed as padding
 * counts as consumed). The new world then shares the remaining positions exactly as above (rank
 * {@code r} takes remaining positions {@code r, r + W', ...}, padded or dropped). Segments chain
 * when the world changes again within the same epoch. So, over all new ranks, the rest of the
 * epoch is exactly the samples no old rank consumed, each once (plus the padding, if any).
 */
public final class DistributedSampler implements Sampler {

  /** How the last {@code N mod W} samples are handled. */
  public enum Tail { PAD, DROP }

  /**
   * One earlier world of the current epoch.
   *
   * @param worldSize its number of ranks
   * @param consumed positions each of its ranks had consumed (index = rank)
   */
  public record Segment(int worldSize, long[] consumed) {
    public Segment {
      if (worldSize < 1 || consumed.length != worldSize) {
        throw new IllegalArgumentException("Cannot make a segment of world size " + worldSize + " with "
            + consumed.length + " ranks' counts");
      }
      consumed = consumed.clone();
    }

    @Override
    public long[] consumed() {
      return consumed.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Segment s && s.worldSize == worldSize && Arrays.equals(s.consumed, consumed);
    }

    @Override
    public int hashCode() {
      return 31 * worldSize + Arrays.hashCode(consumed);
    }
  }

  private final Sampler base;
  private final int rank;
  private final int world;
  private final Tail tail;
  /** Base positions still to visit in this epoch after earlier segments, or null for all of them. */
  private long[] remaining;
  private List<Segment> segments = List.of();

  public DistributedSampler(Sampler base, int rank, int worldSize, Tail tail) {
    this.base = Objects.requireNonNull(base, "base is null");
    this.tail = Objects.requireNonNull(tail, "tail is null");
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("Cannot be rank " + rank + " of a world of " + worldSize);
    }
    this.rank = rank;
    this.world = worldSize;
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return world;
  }

  public Tail tail() {
    return tail;
  }

  /** The earlier worlds of this epoch (empty unless {@link #resume} was called). */
  public List<Segment> segments() {
    return segments;
  }

  private long pool() {
    return remaining == null ? base.length() : remaining.length;
  }

  @Override
  public long length() {
    return share(pool(), world, tail);
  }

  static long share(long m, int w, Tail tail) {
    return tail == Tail.PAD ? (m + w - 1) / w : m / w;
  }

  @Override
  public long index(long position) {
    long m = pool();
    if (position < 0 || position >= length()) {
      throw new IndexOutOfBoundsException("Position " + position + " is outside [0, " + length() + ") of rank " + rank);
    }
    long p = (rank + position * world) % m;
    return base.index(remaining == null ? p : remaining[(int) p]);
  }

  /** This rank's positions are every world-th base position: stepped without a division per position. */
  @Override
  public void indices(long from, long[] out) {
    if (out.length == 0) {
      return;
    }
    long m = pool();
    long last = from + out.length - 1;
    if (from < 0 || last >= length()) {
      throw new IndexOutOfBoundsException("Positions [" + from + ", " + (last + 1) + ") are outside [0, " + length()
          + ") of rank " + rank);
    }
    if (world == 1 && remaining == null) {
      base.indices(from, out);
      return;
    }
    long p = (rank + from * world) % m;
    for (int i = 0; i < out.length; i++) {
      out[i] = base.index(remaining == null ? p : remaining[(int) p]);
      p += world;
      if (p >= m) {
        p %= m;
      }
    }
  }

  /**
   * The end of this rank's run of positions whose base positions lie in the base sampler's group
   * of {@code position} (up to the group's end, or the wrap-around of padding).
   */
  @Override
  public long groupEnd(long position) {
    long m = pool();
    long len = length();
    if (position < 0 || position >= len) {
      throw new IndexOutOfBoundsException("Position " + position + " is outside [0, " + len + ") of rank " + rank);
    }
    long p = (rank + position * world) % m;
    long run;
    if (remaining == null) {
      run = base.groupEnd(p) - p;
    } else {
      // base positions left after earlier worlds, ascending: count those before the group's end
      long end = base.groupEnd(remaining[(int) p]);
      int q = Arrays.binarySearch(remaining, (int) p, remaining.length, end);
      run = (q >= 0 ? q : -q - 1) - p;
    }
    // the base run [p, p + run) holds this rank's positions p, p + W, ...; padding wraps at m
    long steps = (Math.min(run, m - p) + world - 1) / world;
    return Math.min(len, position + Math.max(1, steps));
  }

  @Override
  public void setEpoch(long epoch) {
    base.setEpoch(epoch);
    remaining = null;
    segments = List.of();
  }

  /**
   * Continues the current epoch after the earlier worlds {@code earlier} (oldest first): this
   * rank's positions then cover its share of what they left. Call after {@link #setEpoch}.
   */
  public void resume(List<Segment> earlier) {
    remaining = null;
    for (Segment s : earlier) {
      long m = pool();
      long max = share(m, s.worldSize(), Tail.PAD);
      BitSet done = new BitSet((int) Math.min(m, Integer.MAX_VALUE));
      for (int r = 0; r < s.worldSize(); r++) {
        long c = s.consumed[r];
        if (c < 0 || c > max) {
          throw new IllegalArgumentException("Cannot resume: rank " + r + " of the earlier world of " + s.worldSize()
              + " consumed " + c + " positions, but it had at most " + max);
        }
        for (long k = 0; k < c; k++) {
          done.set((int) ((r + k * s.worldSize()) % m));
        }
      }
      long[] next = new long[(int) (m - done.cardinality())];
      int j = 0;
      for (int i = done.nextClearBit(0); i < m; i = done.nextClearBit(i + 1)) {
        next[j++] = remaining == null ? i : remaining[i];
      }
      remaining = next;
    }
    segments = List.copyOf(earlier);
  }
}
