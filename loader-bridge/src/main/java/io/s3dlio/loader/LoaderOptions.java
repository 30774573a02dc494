package io.s3dlio.loader;

import io.s3dlio.loader.sampler.DistributedSampler.Tail;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link DataLoader}. Immutable; make one with {@link #builder()}. Every setting
 * is documented on its builder method and in {@code docs/loader.md}.
 */
public final class LoaderOptions {
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int DEFAULT_NUM_WORKERS = 4;
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L << 20;
  public static final int DEFAULT_AUTOTUNE_MAX_WORKERS = 32;

  private final int batchSize;
  private final boolean dropLast;
  private final boolean shuffle;
  private final int shuffleBlock;
  private final int shuffleMix;
  private final long seed;
  private final int numWorkers;
  private final boolean numWorkersSet;
  private final int prefetch;
  private final long maxBufferedBytes;
  private final Duration timeout;
  private final boolean autotune;
  private final int autotuneMaxWorkers;
  private final int shuffleBuffer;
  private final boolean ordered;
  private final ErrorPolicy errorPolicy;
  private final int rank;
  private final int worldSize;
  private final Tail tail;

  private LoaderOptions(Builder b) {
    this.batchSize = b.batchSize;
    this.dropLast = b.dropLast;
    this.shuffle = b.shuffle;
    this.shuffleBlock = b.shuffleBlock;
    this.shuffleMix = b.shuffleMix;
    this.seed = b.seed;
    this.numWorkers = b.numWorkers;
    this.numWorkersSet = b.numWorkersSet;
    this.prefetch = b.prefetch > 0 ? b.prefetch : 2 * b.numWorkers;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.timeout = b.timeout;
    this.autotune = b.autotune;
    this.autotuneMaxWorkers = Math.max(b.autotuneMaxWorkers, b.numWorkers);
    this.shuffleBuffer = b.shuffleBuffer;
    this.ordered = b.ordered;
    this.errorPolicy = b.errorPolicy;
    this.rank = b.rank;
    this.worldSize = b.worldSize;
    this.tail = b.tail;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static LoaderOptions defaults() {
    return builder().build();
  }

  public int batchSize() {
    return batchSize;
  }

  public boolean dropLast() {
    return dropLast;
  }

  public boolean shuffle() {
    return shuffle;
  }

  public int shuffleBlock() {
    return shuffleBlock;
  }

  public int shuffleMix() {
    return shuffleMix;
  }

  public long seed() {
    return seed;
  }

  public int numWorkers() {
    return numWorkers;
  }

  /** Whether {@code numWorkers} was set by the caller (a default may be adapted to the dataset). */
  boolean numWorkersSet() {
    return numWorkersSet;
  }

  public int prefetch() {
    return prefetch;
  }

  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /** How long to wait for one batch; {@link Duration#ZERO} waits forever. */
  public Duration timeout() {
    return timeout;
  }

  public boolean autotune() {
    return autotune;
  }

  public int autotuneMaxWorkers() {
    return autotuneMaxWorkers;
  }

  public int shuffleBuffer() {
    return shuffleBuffer;
  }

  public boolean ordered() {
    return ordered;
  }

  public ErrorPolicy errorPolicy() {
    return errorPolicy;
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  public Tail tail() {
    return tail;
  }

  /** Most worker threads the loader may use. */
  int maxWorkers() {
    return autotune ? autotuneMaxWorkers : numWorkers;
  }

  @Override
  public String toString() {
    return "LoaderOptions{batchSize=" + batchSize + ", dropLast=" + dropLast + ", shuffle=" + shuffle + ", shuffleBlock="
        + shuffleBlock + ", shuffleMix=" + shuffleMix + ", seed=" + seed + ", numWorkers=" + numWorkers + ", prefetch=" + prefetch
        + ", maxBufferedBytes=" + maxBufferedBytes + ", timeout=" + timeout + ", autotune=" + autotune
        + ", autotuneMaxWorkers=" + autotuneMaxWorkers + ", shuffleBuffer=" + shuffleBuffer + ", ordered=" + ordered
        + ", errorPolicy=" + errorPolicy + ", rank=" + rank + ", worldSize=" + worldSize + ", tail=" + tail + "}";
  }

  /** Builds {@link LoaderOptions}; each setter checks its value. */
  public static final class Builder {
    private int batchSize = DEFAULT_BATCH_SIZE;
    private boolean dropLast;
    private boolean shuffle;
    private int shuffleBlock = 1;
    private int shuffleMix = 1;
    private long seed;
    private int numWorkers = DEFAULT_NUM_WORKERS;
    private boolean numWorkersSet;
    private int prefetch;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private Duration timeout = Duration.ZERO;
    private boolean autotune;
    private int autotuneMaxWorkers = DEFAULT_AUTOTUNE_MAX_WORKERS;
    private int shuffleBuffer;
    private boolean ordered = true;
    private ErrorPolicy errorPolicy = ErrorPolicy.FAIL;
    private int rank;
    private int worldSize = 1;
    private Tail tail = Tail.PAD;

    private Builder() {
    }

    private static int positive(String name, int v) {
      if (v < 1) {
        throw new IllegalArgumentException("Cannot set " + name + " to " + v + ": it must be at least 1");
      }
      return v;
    }

    /** Samples per batch (default 32). */
    public Builder batchSize(int v) {
      batchSize = positive("batchSize", v);
      return this;
    }

    /** Drop the last batch of an epoch when it is short (default false). */
    public Builder dropLast(boolean v) {
      dropLast = v;
      return this;
    }

    /** Visit a map-style dataset in a new random order each epoch (default false: in index order). */
    public Builder shuffle(boolean v) {
      shuffle = v;
      return this;
    }

    /**
     * With shuffle, shuffle blocks of this many neighbouring indices and the indices within each
     * block, instead of all indices at once ({@link io.s3dlio.loader.sampler.BlockShuffleSampler}):
     * set it to the batch size to let a TFRecord, NPZ or HDF5 dataset read each batch with one or
     * two range requests. Default 1 (a full shuffle).
     */
    public Builder shuffleBlock(int v) {
      shuffleBlock = positive("shuffleBlock", v);
      return this;
    }

    /**
     * With shuffle and a {@link #shuffleBlock} above 1, shuffle the indices of this many blocks
     * together (default 1: each block on its own). The loader then fetches whole groups of
     * {@code shuffleMix} blocks, each block with one range request (TFRecord, NPZ, HDF5), and every
     * batch is a random draw from its group's blocks. Choose {@code shuffleBlock} so that a block's
     * bytes make a good request (4-16 MiB), and keep a group's bytes ({@code shuffleBlock *
     * shuffleMix} samples) well under {@link #maxBufferedBytes}: the loader holds whole groups.
     */
    public Builder shuffleMix(int v) {
      shuffleMix = positive("shuffleMix", v);
      return this;
    }

    /** Seed of every random choice (default 0); mixed with the epoch. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /**
     * Fetch parts running at once (default 4): the dataset splits each batch's fetch into parts
     * (one per coalesced range request, one per object for raw objects); a worker reads a part,
     * decodes its samples and applies the transforms. Left unset, a dataset of local files
     * ({@link MapDataset#localReads}) runs at most one part per core; a value set here is used as
     * it is on every dataset.
     */
    public Builder numWorkers(int v) {
      numWorkers = positive("numWorkers", v);
      numWorkersSet = true;
      return this;
    }

    /** Batches ahead of the consumer, being fetched or ready (default 2 x numWorkers). */
    public Builder prefetch(int v) {
      prefetch = positive("prefetch", v);
      return this;
    }

    /**
     * Most bytes of samples held ahead of the consumer (default 256 MiB): fetched samples not yet
     * delivered plus the dataset's size estimate of fetches in flight. A new fetch starts only
     * while it fits, except when nothing is held (so one batch bigger than the cap still loads).
     */
    public Builder maxBufferedBytes(long v) {
      if (v < 1) {
        throw new IllegalArgumentException("Cannot set maxBufferedBytes to " + v + ": it must be at least 1");
      }
      maxBufferedBytes = v;
      return this;
    }

    /** Longest wait for one batch before the iterator fails (default {@link Duration#ZERO}: no limit). */
    public Builder timeout(Duration v) {
      Objects.requireNonNull(v, "timeout is null");
      if (v.isNegative()) {
        throw new IllegalArgumentException("Cannot set timeout to " + v);
      }
      timeout = v;
      return this;
    }

    /**
     * Start with numWorkers concurrent fetches and add more while throughput improves, up to
     * {@link #autotuneMaxWorkers} and never beyond prefetch (default false).
     */
    public Builder autotune(boolean v) {
      autotune = v;
      return this;
    }

    /** The cap of autotune (default 32). */
    public Builder autotuneMaxWorkers(int v) {
      autotuneMaxWorkers = positive("autotuneMaxWorkers", v);
      return this;
    }

    /** For iterable datasets: shuffle through a buffer of this many samples (default 0: no shuffle). */
    public Builder shuffleBuffer(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("Cannot set shuffleBuffer to " + v);
      }
      shuffleBuffer = v;
      return this;
    }

    /**
     * Deliver batches in sampler order (default true). With false, a batch is made of whichever
     * fetch finishes first: faster when latencies vary, but the stream is no longer reproducible,
     * and a saved state resumes at the first position not yet delivered, so samples delivered
     * after it are delivered again (at least once, never lost).
     */
    public Builder ordered(boolean v) {
      ordered = v;
      return this;
    }

    /** {@link ErrorPolicy#FAIL} (default) or {@link ErrorPolicy#SKIP}. */
    public Builder errorPolicy(ErrorPolicy v) {
      errorPolicy = Objects.requireNonNull(v, "errorPolicy is null");
      return this;
    }

    /** This process's share of the data: rank of world size, and what to do with the tail (default PAD). */
    public Builder distributed(int rank, int worldSize, Tail tail) {
      if (worldSize < 1 || rank < 0 || rank >= worldSize) {
        throw new IllegalArgumentException("Cannot be rank " + rank + " of a world of " + worldSize);
      }
      this.rank = rank;
      this.worldSize = worldSize;
      this.tail = Objects.requireNonNull(tail, "tail is null");
      return this;
    }

    public LoaderOptions build() {
      return new LoaderOptions(this);
    }
  }
}
