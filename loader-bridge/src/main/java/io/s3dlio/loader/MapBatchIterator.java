package io.s3dlio.loader;

import io.s3dlio.loader.sampler.Sampler;
import java.util.ArrayDeque;
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

  /**
   * One fetch: consecutive positions of the epoch, read in parts that may run at once. A slot's
   * output is in {@link #columns} (one sample that fits the schema: the usual case), or in
   * {@link #outs} (a transform's other outputs, or a sample that does not fit), or an error.
   */
  private static final class Task {
    final long firstPos;
    final long[] indices;
    final long reserve;
    /** Per slot: null where the sample is in {@link #columns}, else its outputs ({@code List<Sample>}). */
    final Object[] outs;
    final SampleException[] errs;
    final FetchColumns columns;
    int partsLeft;
    boolean done;
    long actual;
    /** Slots whose output is not in {@link #columns} (counted as parts finish). */
    int irregular;
    /** Why the fetch could not be planned, or null. */
    Throwable failed;

    Task(long firstPos, long[] indices, long reserve, FetchColumns columns) {
      this.firstPos = firstPos;
      this.indices = indices;
      this.reserve = reserve;
      this.outs = new Object[indices.length];
      this.errs = new SampleException[indices.length];
      this.columns = columns;
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
  /** How the samples' fields are laid out in a fetch's columns; null where the schema does not allow columns. */
  private final FetchColumns.Layout layout;

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
  /** Group fetches whose requests a worker has not planned yet (each counts as busy as every worker). */
  private int unsplit;
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
    this.tuner = new Autotuner(workers(dataset, options), Math.min(options.maxWorkers(), options.prefetch()),
        options.autotune());
    this.epoch = epoch;
    this.length = sampler.length();
    this.layout = FetchColumns.Layout.of(dataset.schema());
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
   * Parts running at once to start with: {@code numWorkers}; when the caller left it unset, at
   * most one per core for a dataset whose reads are CPU work ({@link MapDataset#localReads}:
   * page-cache copies, where more parts than cores only hold more bytes in flight). A value the
   * caller set is used as it is (local files on a network file system, or a cold page cache, want
   * more reads outstanding). Autotune, when on, grows it from there.
   */
  static int workers(MapDataset dataset, LoaderOptions options) {
    int n = options.numWorkers();
    boolean cap = dataset.localReads() && !options.numWorkersSet();
    return cap ? Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors())) : n;
  }

  /**
   * Starts fetches while fewer than {@code prefetch} are ahead and their estimated bytes fit, and
   * runs their parts while fewer than the concurrency limit are running. Call with the lock held.
   */
  private void dispatch() {
    while (!closed && nextDispatch < length && waiting.size() + unsplit * tuner.concurrency() < tuner.concurrency()) {
      int n = fetchLength(nextDispatch);
      // At most prefetch batches' worth of positions ahead. A fetch of a whole group can be many
      // batches: then, with prefetch >= 2, the next group while the consumer works on one, and more
      // groups while workers would otherwise idle (the straggling parts of a group); the byte cap
      // below bounds them.
      boolean group = n > options.batchSize();
      if (ahead() + n > (long) options.prefetch() * options.batchSize()
          && window.size() >= Math.min(2, options.prefetch())
          && !(group && options.prefetch() >= 2
              && inFlight + waiting.size() + unsplit * tuner.concurrency() < tuner.concurrency())) {
        break;
      }
      long[] idx = new long[n];
      sampler.indices(nextDispatch, idx);
      long reserve = 0;
      for (long i : idx) {
        reserve += dataset.estimateBytes(i);
      }
      if (!window.isEmpty() && held + reserve > options.maxBufferedBytes()) {
        break;
      }
      Task t = new Task(nextDispatch, idx, reserve, layout == null ? null : new FetchColumns(layout, n));
      nextDispatch += n;
      windowPositions += n;
      held += reserve;
      metrics.buffered(reserve);
      window.addLast(t);
      if (group) {
        // a group's requests are planned by a worker, off this lock (and off the consumer's thread)
        unsplit++;
        waiting.addLast(new Part(t, null));
      } else {
        addParts(t, dataset.split(idx), false);
      }
    }
    while (!closed && !waiting.isEmpty() && inFlight < tuner.concurrency()) {
      Part part = waiting.removeFirst();
      inFlight++;
      try {
        pool.execute(() -> {
          if (part.slots() == null) {
            split(part.task());
          } else {
            fetch(part);
          }
        });
      } catch (RejectedExecutionException e) {
        inFlight--;
        throw new LoaderException("Cannot start a fetch: the loader is closed", e);
      }
    }
    metrics.queueDepth((int) ((ahead() + options.batchSize() - 1) / options.batchSize()));
  }

  /**
   * Queues the parts of {@code t}'s fetch: at the end (a fetch just started), or at the front (a
   * group split by a worker: its parts go before those of later fetches). Lock held.
   */
  private void addParts(Task t, List<int[]> parts, boolean first) {
    t.partsLeft = parts.size();
    for (int i = 0; i < parts.size(); i++) {
      Part p = new Part(t, parts.get(first ? parts.size() - 1 - i : i));
      if (first) {
        waiting.addFirst(p);
      } else {
        waiting.addLast(p);
      }
    }
    if (parts.isEmpty()) {
      t.done = true;
    }
  }

  /** Runs on a worker: plans the requests of a group's fetch, then queues them. */
  private void split(Task t) {
    List<int[]> parts = null;
    Throwable error = null;
    if (!closed) {
      try {
        parts = dataset.split(t.indices);
      } catch (RuntimeException | Error e) {
        error = e;
      }
    }
    lock.lock();
    try {
      inFlight--;
      unsplit--;
      if (!closed) {
        if (parts != null) {
          addParts(t, parts, true);
        } else {
          t.failed = error;
          t.done = true;
          held -= t.reserve;
          metrics.buffered(-t.reserve);
        }
        dispatch();
      }
      if (t.done || closed) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
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
    List<Sample>[] outs = null;
    SampleException[] errs = new SampleException[n];
    long actual = 0;
    int irregular = 0;
    if (!closed) {
      Sample[] got = null;
      try {
        got = dataset.getAll(idx, errs, ctx);
      } catch (RuntimeException | Error e) {
        for (int i = 0; i < n; i++) {
          errs[i] = new SampleException(idx[i], dataset.describe(idx[i]), 0, "fetch failed: " + e, e);
        }
      }
      if (got == null) {
        irregular = n;
      } else {
        boolean plain = transforms.isEmpty() && t.columns != null;
        for (int i = 0; i < n; i++) {
          Sample s = got[i];
          // the usual case: a sample with no transform that fits the schema goes straight into the fetch's columns
          if (plain && s != null && errs[i] == null && t.columns.put(slots[i], s)) {
            actual += s.byteSize();
            continue;
          }
          if (outs == null) {
            outs = Transforms.lists(n);
          }
          long placed = place(t, slots[i], idx[i], s, outs, errs, i);
          if (placed < 0) {
            irregular++;
            actual += -placed - 1;
          } else {
            actual += placed;
          }
        }
      }
    }
    lock.lock();
    try {
      // only what is not in the columns: most parts write nothing here
      for (int i = 0; irregular > 0 && i < n; i++) {
        if (outs != null && outs[i] != null) {
          t.outs[slots[i]] = outs[i];
        }
        if (errs[i] != null) {
          t.errs[slots[i]] = errs[i];
        }
      }
      t.actual += actual;
      t.irregular += irregular;
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

  /**
   * Sample {@code s} read for slot {@code slot} (part position {@code i}), or its error: applies the
   * transforms and puts a single output that fits the schema into the fetch's columns. Returns the
   * bytes held when it is in the columns, else {@code -(bytes held) - 1} with its outputs in
   * {@code outs[i]} or its error in {@code errs[i]} (the slot is then irregular).
   */
  private long place(Task t, int slot, long index, Sample s, List<Sample>[] outs, SampleException[] errs, int i) {
    if (errs[i] != null) {
      return -1;
    }
    if (s == null) {
      errs[i] = new SampleException(index, dataset.describe(index), 0, "the dataset returned no sample", null);
      return -1;
    }
    List<Sample> o;
    try {
      o = transforms.isEmpty() ? null : transforms.apply(s);
    } catch (RuntimeException e) {
      errs[i] = new SampleException(index, dataset.describe(index), 0, "a transform failed: " + e, e);
      return -1;
    }
    Sample one = o == null ? s : o.size() == 1 ? o.get(0) : null;
    if (one != null && t.columns != null && t.columns.put(slot, one)) {
      return one.byteSize();
    }
    outs[i] = o != null ? o : List.of(s);
    long bytes = 0;
    for (Sample x : outs[i]) {
      bytes += x.byteSize();
    }
    return -bytes - 1;
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
    FetchColumns.Gather out = new FetchColumns.Gather(collator);
    long deadline = options.timeout().isZero() ? 0 : System.nanoTime() + options.timeout().toNanos();
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("Cannot read from a closed batch iterator");
      }
      while (out.rows() < size) {
        if (cur == null) {
          cur = nextTask(deadline);
          if (cur == null) {
            break;
          }
        }
        if (cur.failed != null) {
          throw fail(new LoaderException("Cannot make batch " + batchNo + " of epoch " + epoch
              + ": cannot plan the requests of positions [" + cur.firstPos + ", " + (cur.firstPos + cur.indices.length)
              + "): " + cur.failed, cur.failed));
        }
        while (curIdx < cur.indices.length && out.rows() < size) {
          if (cur.irregular == 0) {
            // every sample of the fetch is in its columns: the rest of the batch in one run
            int k = Math.min(size - out.rows(), cur.indices.length - curIdx);
            out.rows(cur.columns, curIdx, curIdx + k);
            curIdx += k;
            continue;
          }
          if (cur.outs[curIdx] == null && cur.errs[curIdx] == null) {
            out.rows(cur.columns, curIdx, curIdx + 1);
            curIdx++;
            continue;
          }
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
          @SuppressWarnings("unchecked")
          List<Sample> o = (List<Sample>) cur.outs[curIdx];
          while (curOut < o.size() && out.rows() < size) {
            out.sample(o.get(curOut++));
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
      if (out.rows() == 0 || out.rows() < size && options.dropLast()) {
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
      ready = out.batch(epoch);
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
