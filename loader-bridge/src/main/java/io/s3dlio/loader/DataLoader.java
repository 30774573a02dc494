package io.s3dlio.loader;

import io.s3dlio.loader.sampler.BlockShuffleSampler;
import io.s3dlio.loader.sampler.DistributedSampler;
import io.s3dlio.loader.sampler.DistributedSampler.Segment;
import io.s3dlio.loader.sampler.RandomSampler;
import io.s3dlio.loader.sampler.Sampler;
import io.s3dlio.loader.sampler.SequentialSampler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Batches of samples from a {@link MapDataset} or an {@link IterableDataset}, epoch after epoch,
 * shaped like PyTorch's {@code DataLoader}:
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(dataset)
 *     .options(LoaderOptions.builder().batchSize(256).shuffle(true).seed(42).numWorkers(8).build())
 *     .map(s -> s.with("x", normalise(s.tensor("x"))))
 *     .build()) {
 *   for (int e = 0; e < epochs; e++) {
 *     try (BatchIterator it = loader.iterator()) {
 *       while (it.hasNext()) {
 *         Batch b = it.next();
 *         train(b.tensor("x"), b.tensor("label"));
 *         if (timeToSave()) save(loader.state().toJson());
 *       }
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #iterator()} gives the batches from where the loader stands to the end of the current
 * epoch; after the last one the loader is at the start of the next epoch. {@link #state()} is
 * where the loader stands after the last batch handed out; {@link #restore} puts a loader (the
 * same dataset and options, for example in a new process) there, and the batches that follow are
 * exactly those the first loader would have given. See {@code docs/loader.md}.
 *
 * <p>One thread uses a loader at a time; its workers are its own.
 */
public final class DataLoader implements AutoCloseable {
  private final MapDataset mapDataset;
  private final IterableDataset iterableDataset;
  private final LoaderOptions options;
  private final Transforms transforms;
  private final Collator collator;
  private final LoaderMetrics metrics = new LoaderMetrics();
  private final DistributedSampler sampler;
  private final ExecutorService pool;
  private final String fingerprint;

  private long epoch;
  private long position;
  private long skip;
  private long yielded;
  private BatchIterator open;
  private boolean closed;

  private DataLoader(Builder b) {
    this.mapDataset = b.mapDataset;
    this.iterableDataset = b.iterableDataset;
    this.options = b.options;
    this.transforms = new Transforms(b.steps);
    if (mapDataset != null) {
      this.collator = new Collator(mapDataset.schema());
      this.fingerprint = mapDataset.fingerprint();
      Sampler base = b.sampler != null ? b.sampler : defaultSampler(mapDataset.size(), options);
      this.sampler = new DistributedSampler(base, options.rank(), options.worldSize(), options.tail());
      this.pool = newPool(options.maxWorkers());
    } else {
      this.collator = new Collator(iterableDataset.schema());
      this.fingerprint = iterableDataset.fingerprint();
      this.sampler = null;
      this.pool = null;
    }
    setEpoch(0);
  }

  private static Sampler defaultSampler(long n, LoaderOptions o) {
    if (!o.shuffle()) {
      return new SequentialSampler(n);
    }
    return o.shuffleBlock() > 1 ? new BlockShuffleSampler(n, o.shuffleBlock(), o.shuffleMix(), o.seed())
        : new RandomSampler(n, o.seed());
  }

  private static ExecutorService newPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "s3dlio-loader-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  public static Builder builder(MapDataset dataset) {
    return new Builder(Objects.requireNonNull(dataset, "dataset is null"), null);
  }

  public static Builder builder(IterableDataset dataset) {
    return new Builder(null, Objects.requireNonNull(dataset, "dataset is null"));
  }

  public LoaderOptions options() {
    return options;
  }

  public LoaderMetrics metrics() {
    return metrics;
  }

  /** The epoch the next batch belongs to. */
  public synchronized long epoch() {
    return epoch;
  }

  /**
   * Batches in this rank's epoch for a map-style dataset (with the batch size and dropLast, before
   * filter/flatMap change counts); -1 for an iterable dataset.
   */
  public synchronized long batchesPerEpoch() {
    if (sampler == null) {
      return -1;
    }
    long n = sampler.length();
    int b = options.batchSize();
    return options.dropLast() ? n / b : (n + b - 1) / b;
  }

  /** Moves to the start of {@code epoch} (as PyTorch's {@code sampler.set_epoch}). */
  public synchronized void setEpoch(long e) {
    checkIdle("set the epoch");
    if (e < 0) {
      throw new IllegalArgumentException("Cannot set epoch " + e);
    }
    this.epoch = e;
    this.position = 0;
    this.skip = 0;
    this.yielded = 0;
    if (sampler != null) {
      sampler.setEpoch(e);
    }
  }

  /** The batches from the current position to the end of the current epoch. */
  public synchronized BatchIterator iterator() {
    checkIdle("open an iterator");
    if (mapDataset != null) {
      open = new MapBatchIterator(this, mapDataset, options, transforms, collator, metrics, sampler, pool, epoch,
          position, skip, yielded);
    } else {
      open = new IterableBatchIterator(this, iterableDataset, options, transforms, collator, metrics, epoch, yielded);
    }
    return open;
  }

  private void checkIdle(String what) {
    if (closed) {
      throw new IllegalStateException("Cannot " + what + ": the loader is closed");
    }
    if (open != null) {
      throw new IllegalStateException("Cannot " + what + " while an iterator is open: close it first");
    }
  }

  /** Where the loader stands: after the last batch handed out. */
  public synchronized LoaderState state() {
    return new LoaderState(epoch, position, skip, yielded, options.seed(), fingerprint, options.rank(),
        options.worldSize(), sampler == null ? List.of() : sampler.segments());
  }

  /**
   * Continues from {@code state}, taken by a loader of the same rank and world size over the same
   * dataset with the same seed.
   *
   * @throws IllegalArgumentException naming what differs
   */
  public synchronized void restore(LoaderState state) {
    checkIdle("restore a state");
    checkCompatible(state);
    if (state.rank() != options.rank() || state.worldSize() != options.worldSize()) {
      throw new IllegalArgumentException("Cannot restore the state of rank " + state.rank() + " of " + state.worldSize()
          + " into rank " + options.rank() + " of " + options.worldSize()
          + ": restore the states of all old ranks with restoreResharded");
    }
    if (sampler == null && !state.segments().isEmpty()) {
      throw new IllegalArgumentException("Cannot restore a resharded state into a loader of an iterable dataset");
    }
    setEpoch(state.epoch());
    if (sampler != null) {
      sampler.resume(state.segments());
      if (state.position() > sampler.length()) {
        throw new IllegalArgumentException("Cannot restore position " + state.position() + ": epoch " + state.epoch()
            + " of rank " + options.rank() + " has " + sampler.length() + " positions");
      }
    }
    this.position = state.position();
    this.skip = state.skip();
    this.yielded = state.yielded();
  }

  /**
   * Continues an epoch that ranks of another world size had started: {@code states} are the
   * states of all old ranks (one each, same epoch). This loader then delivers its share of the
   * samples that no old rank had delivered (see {@link DistributedSampler}). A sample whose
   * flatMap outputs were only partly delivered counts as not delivered. Map-style datasets only.
   */
  public synchronized void restoreResharded(Collection<LoaderState> states) {
    checkIdle("restore states");
    if (sampler == null) {
      throw new IllegalArgumentException("Cannot reshard the state of an iterable dataset: restore the same world size");
    }
    if (states.isEmpty()) {
      throw new IllegalArgumentException("Cannot restore from no states");
    }
    LoaderState first = states.iterator().next();
    int w = first.worldSize();
    LoaderState[] byRank = new LoaderState[w];
    for (LoaderState s : states) {
      checkCompatible(s);
      if (s.worldSize() != w || s.epoch() != first.epoch() || !s.segments().equals(first.segments())) {
        throw new IllegalArgumentException("Cannot reshard states of different worlds, epochs or histories: " + first
            + " and " + s);
      }
      if (byRank[s.rank()] != null) {
        throw new IllegalArgumentException("Cannot reshard: two states of rank " + s.rank());
      }
      byRank[s.rank()] = s;
    }
    long[] consumed = new long[w];
    for (int r = 0; r < w; r++) {
      if (byRank[r] == null) {
        throw new IllegalArgumentException("Cannot reshard: the state of rank " + r + " of " + w + " is missing");
      }
      consumed[r] = byRank[r].position();
    }
    List<Segment> segments = new ArrayList<>(first.segments());
    segments.add(new Segment(w, consumed));
    setEpoch(first.epoch());
    sampler.resume(segments);
  }

  private void checkCompatible(LoaderState s) {
    if (!s.fingerprint().equals(fingerprint)) {
      throw new IllegalArgumentException("Cannot restore a state of dataset " + s.fingerprint() + " into a loader of "
          + fingerprint + ": the data changed (objects, sizes, etags or selected fields)");
    }
    if (s.seed() != options.seed()) {
      throw new IllegalArgumentException("Cannot restore a state with seed " + s.seed() + " into a loader with seed "
          + options.seed() + ": build the loader with seed " + s.seed());
    }
  }

  synchronized void delivered(BatchIterator it, long e, long pos, long sk, long y) {
    if (it == open) {
      this.epoch = e;
      this.position = pos;
      this.skip = sk;
      this.yielded = y;
    }
  }

  synchronized void epochEnded(BatchIterator it) {
    if (it == open) {
      open = null;
      setEpoch(epoch + 1);
    }
  }

  synchronized void closed(BatchIterator it) {
    if (it == open) {
      open = null;
    }
  }

  /** Closes the open iterator, if any, and stops the workers. */
  @Override
  public void close() {
    BatchIterator it;
    synchronized (this) {
      if (closed) {
        return;
      }
      it = open;
    }
    if (it != null) {
      it.close();
    }
    synchronized (this) {
      closed = true;
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** Builds a {@link DataLoader}. */
  public static final class Builder {
    private final MapDataset mapDataset;
    private final IterableDataset iterableDataset;
    private LoaderOptions options = LoaderOptions.defaults();
    private Sampler sampler;
    private final List<Function<Sample, List<Sample>>> steps = new ArrayList<>();

    private Builder(MapDataset m, IterableDataset i) {
      this.mapDataset = m;
      this.iterableDataset = i;
    }

    public Builder options(LoaderOptions o) {
      this.options = Objects.requireNonNull(o, "options is null");
      return this;
    }

    /**
     * The order of a map-style dataset (for example a {@link io.s3dlio.loader.sampler.WeightedSampler}),
     * instead of the one shuffle/shuffleBlock choose; it is still shared across ranks.
     */
    public Builder sampler(Sampler s) {
      this.sampler = Objects.requireNonNull(s, "sampler is null");
      return this;
    }

    /** Replaces each sample by {@code f(sample)}. */
    public Builder map(Function<Sample, Sample> f) {
      steps.add(Transforms.map(f));
      return this;
    }

    /** Keeps the samples {@code p} accepts. */
    public Builder filter(Predicate<Sample> p) {
      steps.add(Transforms.filter(p));
      return this;
    }

    /** Replaces each sample by the samples {@code f} returns (none, one or several). */
    public Builder flatMap(Function<Sample, List<Sample>> f) {
      steps.add(Transforms.flatMap(f));
      return this;
    }

    public DataLoader build() {
      if (iterableDataset != null && sampler != null) {
        throw new IllegalArgumentException("Cannot use a sampler with an iterable dataset (use shuffleBuffer)");
      }
      if (mapDataset != null && options.shuffleBuffer() > 0) {
        throw new IllegalArgumentException("Cannot use shuffleBuffer with a map-style dataset (use shuffle)");
      }
      return new DataLoader(this);
    }
  }
}
