package io.s3dlio.loader;

import io.s3dlio.loader.sampler.Sampler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of one epoch of a map-style dataset. The epoch's positions are cut into fetches of
 * consecutive positions: whole locality groups of the sampler ({@link Sampler#groupEnd}), at
 * least {@code batchSize} positions (exactly {@code batchSize} for samplers without groups). The
 * dataset splits each fetch into parts ({@link MapDataset#split}: one per coalesced request), and
 * the loader's workers run the parts ({@link MapDataset#getAll} on the part's samples, then the
 * transforms), in position order, at most the concurrency limit at once. A fetch starts while
 * its positions and those ahead of the consumer make at most {@code prefetch} batches (or, with
 * {@code prefetch >= 2}, while fewer than two fetches are ahead, or while a group's fetch would
 * keep an otherwise idle worker busy: a group can be larger than that) and its estimated bytes fit
 * in {@code maxBufferedBytes}; the consumer takes their outputs in
 * position order (or in completion order when not ordered) and cuts them into batches.
 */
final class MapBatchIterator implements BatchIterator {
  private static final Logger LOG = LoggerFactory.getLogger(MapBatchIterator.class);
  /** Most positions in one fetch (a locality group larger than this is fetched in pieces). */
  static final int MAX_FETCH = 1 << 22;

  /** One fetch: consecutive positions of the epoch, read in parts that may run at once. */
  private static final class Task {
    final long firstPos;
    final long[] indices;
    final long reserve;
    final List<Sample>[] outs;
    final SampleException[] errs;
    int partsLeft;
    boolean done;
    long actual;

    @SuppressWarnings("unchecked")
    Task(long firstPos, long[] indices, long reserve) {
      this.firstPos = firstPos;
      this.indices = indices;
      this.reserve = reserve;
      this.outs = new List[indices.length];
      this.errs = new SampleException[indices.length];
    }
  }

  /** Slots of a task fetched together (one request, or a few). */
  private record Part(Task task, int[] slots) {
  }

  private final DataLoader loader;
  private final MapDataset dataset;
  private final LoaderOptions options;
  private final Transforms transforms;
  private final Collator collator;
  private final LoaderMetrics metrics;
  private final Sampler sampler;
  private final ExecutorService pool;
  private final Autotuner tuner;
  private final long epoch;
  private final long length;
  private final FetchContext ctx;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Fetches started and not yet fully consumed, in position order. */
  private final ArrayDeque<Task> window = new ArrayDeque<>();
  /** Parts of started fetches not yet running, in position order. */
  private final ArrayDeque<Part> waiting = new ArrayDeque<>();
  private long nextDispatch;
  /** Positions of the fetches in {@link #window} (those of {@link #cur} before {@link #curIdx} included). */
  private long windowPositions;
  private int inFlight;
  /** Bytes held ahead of the consumer: reservations of running fetches, outputs of finished ones. */
  private long held;
  private boolean closed;

  private Task cur;
  private int curIdx;
  private int curOut;
  private long yielded;
  private long batchNo;

  private Batch ready;
  private long readyPos;
  private long readySkip;
  private boolean readyEndsEpoch;
  private boolean exhausted;
  private LoaderException failure;

  MapBatchIterator(DataLoader loader, MapDataset dataset, LoaderOptions options, Transforms transforms,
      Collator collator, LoaderMetrics metrics, Sampler sampler, ExecutorService pool, long epoch, long position,
      long skip, long yielded) {
    this.loader = loader;
    this.dataset = dataset;
    this.options = options;
    this.transforms = transforms;
    this.collator = collator;
    this.metrics = metrics;
    this.sampler = sampler;
    this.pool = pool;
    this.tuner = new Autotuner(options.numWorkers(), Math.min(options.maxWorkers(), options.prefetch()),
        options.autotune());
    this.epoch = epoch;
    this.length = sampler.length();
    this.nextDispatch = Math.min(position, length);
    this.curOut = (int) skip;
    this.yielded = yielded;
    this.ctx = new FetchContext() {
      @Override
      public void request(long nanos, long bytes) {
        metrics.request(nanos, bytes);
      }

      @Override
      public boolean cancelled() {
        return closed;
      }
    };
    metrics.started();
    metrics.concurrency(tuner.concurrency());
    lock.lock();
    try {
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts fetches while fewer than {@code prefetch} are ahead and their estimated bytes fit, and
   * runs their parts while fewer than the concurrency limit are running. Call with the lock held.
   */
  private void dispatch() {
    while (!closed && nextDispatch < length && waiting.size() < tuner.concurrency()) {
      int n = fetchLength(nextDispatch);
      // At most prefetch batches' worth of positions ahead. A fetch of a whole group can be many
      // batches: then, with prefetch >= 2, the next group while the consumer works on one, and more
      // groups while workers would otherwise idle (the straggling parts of a group); the byte cap
      // below bounds them.
      boolean group = n > options.batchSize();
      if (ahead() + n > (long) options.prefetch() * options.batchSize()
          && window.size() >= Math.min(2, options.prefetch())
          && !(group && options.prefetch() >= 2 && inFlight + waiting.size() < tuner.concurrency())) {
        break;
      }
      long[] idx = new long[n];
      long reserve = 0;
      for (int i = 0; i < n; i++) {
        idx[i] = sampler.index(nextDispatch + i);
        reserve += dataset.estimateBytes(idx[i]);
      }
      if (!window.isEmpty() && held + reserve > options.maxBufferedBytes()) {
        break;
      }
      Task t = new Task(nextDispatch, idx, reserve);
      nextDispatch += n;
      windowPositions += n;
      held += reserve;
      metrics.buffered(reserve);
      window.addLast(t);
      List<int[]> parts = dataset.split(idx);
      t.partsLeft = parts.size();
      for (int[] slots : parts) {
        waiting.addLast(new Part(t, slots));
      }
      if (parts.isEmpty()) {
        t.done = true;
      }
    }
    while (!closed && !waiting.isEmpty() && inFlight < tuner.concurrency()) {
      Part part = waiting.removeFirst();
      inFlight++;
      try {
        pool.execute(() -> fetch(part));
      } catch (RejectedExecutionException e) {
        inFlight--;
        throw new LoaderException("Cannot start a fetch: the loader is closed", e);
      }
    }
    metrics.queueDepth((int) ((ahead() + options.batchSize() - 1) / options.batchSize()));
  }

  /** Positions dispatched and not yet consumed. Lock held. */
  private long ahead() {
    return windowPositions - (cur != null ? curIdx : 0);
  }

  /**
   * Positions of the fetch starting at {@code from}: the sampler's groups from there, whole, until
   * they make at least a batch (a batch for samplers without groups), and at most
   * {@link #MAX_FETCH} positions.
   */
  private int fetchLength(long from) {
    long want = Math.min(length, from + options.batchSize());
    long end = from;
    do {
      end = sampler.groupEnd(end);
    } while (end < want);
    return (int) Math.min(Math.min(end, length) - from, MAX_FETCH);
  }

  /** Runs on a worker: reads and transforms the samples of one part. */
  private void fetch(Part part) {
    Task t = part.task();
    int[] slots = part.slots();
    int n = slots.length;
    long[] idx = new long[n];
    for (int i = 0; i < n; i++) {
      idx[i] = t.indices[slots[i]];
    }
    List<Sample>[] outs = Transforms.lists(n);
    SampleException[] errs = new SampleException[n];
    if (!closed) {
      try {
        Sample[] got = dataset.getAll(idx, errs, ctx);
        for (int i = 0; i < n; i++) {
          if (errs[i] != null) {
            continue;
          }
          if (got[i] == null) {
            errs[i] = new SampleException(idx[i], dataset.describe(idx[i]), 0, "the dataset returned no sample", null);
            continue;
          }
          try {
            outs[i] = transforms.apply(got[i]);
          } catch (RuntimeException e) {
            errs[i] = new SampleException(idx[i], dataset.describe(idx[i]), 0, "a transform failed: " + e, e);
          }
        }
      } catch (RuntimeException | Error e) {
        for (int i = 0; i < n; i++) {
          errs[i] = new SampleException(idx[i], dataset.describe(idx[i]), 0, "fetch failed: " + e, e);
        }
      }
    }
    long actual = 0;
    for (List<Sample> o : outs) {
      if (o != null) {
        for (Sample s : o) {
          actual += s.byteSize();
        }
      }
    }
    lock.lock();
    try {
      for (int i = 0; i < n; i++) {
        t.outs[slots[i]] = outs[i];
        t.errs[slots[i]] = errs[i];
      }
      t.actual += actual;
      inFlight--;
      boolean taskDone = --t.partsLeft == 0;
      if (taskDone) {
        t.done = true;
        if (!closed) {
          held += t.actual - t.reserve;
          metrics.buffered(t.actual - t.reserve);
        }
      }
      if (!closed) {
        tuner.finished(actual, System.nanoTime());
        metrics.concurrency(tuner.concurrency());
        dispatch();
      }
      if (taskDone || closed) {
        // the consumer waits for whole fetches: wake it only when one is complete
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean hasNext() {
    if (failure != null) {
      throw failure;
    }
    if (ready == null && !exhausted) {
      prepare();
    }
    return ready != null;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("Epoch " + epoch + " has no more batches");
    }
    Batch b = ready;
    ready = null;
    yielded += b.size();
    metrics.delivered(b);
    if (readyEndsEpoch) {
      loader.epochEnded(this);
      close();
    } else {
      loader.delivered(this, epoch, readyPos, readySkip, yielded);
    }
    return b;
  }

  /** Assembles the next batch into {@link #ready}, or sets {@link #exhausted}. */
  private void prepare() {
    int size = options.batchSize();
    List<Sample> out = new ArrayList<>(size);
    long deadline = options.timeout().isZero() ? 0 : System.nanoTime() + options.timeout().toNanos();
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("Cannot read from a closed batch iterator");
      }
      while (out.size() < size) {
        if (cur == null) {
          cur = nextTask(deadline);
          if (cur == null) {
            break;
          }
        }
        while (curIdx < cur.indices.length && out.size() < size) {
          SampleException err = cur.errs[curIdx];
          if (err != null) {
            if (options.errorPolicy() == ErrorPolicy.FAIL) {
              throw fail(new LoaderException("Cannot make batch " + batchNo + " of epoch " + epoch + ": "
                  + err.getMessage(), err));
            }
            metrics.skipped(err);
            LOG.warn("Skipping a sample: {}", err.getMessage());
            curIdx++;
            curOut = 0;
            continue;
          }
          List<Sample> o = cur.outs[curIdx];
          while (curOut < o.size() && out.size() < size) {
            out.add(o.get(curOut++));
          }
          if (curOut >= o.size()) {
            curIdx++;
            curOut = 0;
          }
        }
        if (curIdx == cur.indices.length) {
          window.remove(cur);
          windowPositions -= cur.indices.length;
          held -= cur.actual;
          metrics.buffered(-cur.actual);
          cur = null;
          curIdx = 0;
          curOut = 0;
          dispatch();
        }
      }
      boolean end = cur == null && window.isEmpty() && nextDispatch >= length;
      readyPos = position();
      readySkip = options.ordered() ? curOut : 0;
      if (!end && options.dropLast() && transforms.isEmpty() && readySkip == 0 && length - readyPos < size) {
        end = true;
      }
      if (out.isEmpty() || out.size() < size && options.dropLast()) {
        exhausted = true;
        loader.epochEnded(this);
        closeLocked();
        return;
      }
      readyEndsEpoch = end;
      exhausted = end;
    } finally {
      lock.unlock();
    }
    try {
      ready = collator.collate(epoch, out);
    } catch (RuntimeException e) {
      failure = new LoaderException("Cannot make batch " + batchNo + " of epoch " + epoch + ": " + e.getMessage(), e);
      close();
      throw failure;
    }
    batchNo++;
  }

  /** First position not fully delivered (in unordered mode: of the earliest fetch not fully consumed). */
  private long position() {
    if (options.ordered()) {
      if (cur != null) {
        return cur.firstPos + curIdx;
      }
      Task first = window.peekFirst();
      return first != null ? first.firstPos : nextDispatch;
    }
    long p = nextDispatch;
    for (Task t : window) {
      p = Math.min(p, t.firstPos);
    }
    return p;
  }

  /** The fetch to consume next, waiting for it; null when the epoch has no more. Lock held. */
  private Task nextTask(long deadline) {
    while (true) {
      if (window.isEmpty()) {
        dispatch();
        if (window.isEmpty()) {
          return null;
        }
      }
      Task pick = null;
      if (options.ordered()) {
        Task head = window.peekFirst();
        pick = head.done ? head : null;
      } else {
        for (Task t : window) {
          if (t.done) {
            pick = t;
            break;
          }
        }
      }
      if (pick != null) {
        return pick;
      }
      try {
        if (deadline == 0) {
          changed.await();
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS) && deadline - System.nanoTime() <= 0) {
            Task head = window.peekFirst();
            throw fail(new LoaderException("Timed out after " + options.timeout() + " waiting for batch " + batchNo
                + " of epoch " + epoch + " (positions [" + head.firstPos + ", " + (head.firstPos + head.indices.length)
                + "), first sample " + head.indices[0] + " in " + dataset.describe(head.indices[0]) + ")", null));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw fail(new LoaderException("Interrupted while waiting for batch " + batchNo + " of epoch " + epoch, e));
      }
    }
  }

  private LoaderException fail(LoaderException e) {
    failure = e;
    closeLocked();
    return e;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closeLocked();
    } finally {
      lock.unlock();
    }
  }

  private void closeLocked() {
    if (!closed) {
      closed = true;
      metrics.buffered(-held);
      held = 0;
      window.clear();
      windowPositions = 0;
      waiting.clear();
      metrics.queueDepth(0);
      changed.signalAll();
      loader.closed(this);
    }
  }
}
