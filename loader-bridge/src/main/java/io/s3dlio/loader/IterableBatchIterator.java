package io.s3dlio.loader;

import io.s3dlio.loader.sampler.ShuffleBuffer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of one epoch of an {@link IterableDataset}. One producer thread reads the stream,
 * keeps every {@code worldSize}-th sample (from the {@code rank}-th), applies the transforms and
 * the shuffle buffer, drops the samples a restored state had already delivered, and queues
 * batches while fewer than {@code prefetch} are queued and their bytes fit in
 * {@code maxBufferedBytes}.
 */
final class IterableBatchIterator implements BatchIterator {
  private static final Logger LOG = LoggerFactory.getLogger(IterableBatchIterator.class);
  private static final Object END = new Object();

  private final DataLoader loader;
  private final IterableDataset dataset;
  private final LoaderOptions options;
  private final Transforms transforms;
  private final Collator collator;
  private final LoaderMetrics metrics;
  private final long epoch;
  private final long startYielded;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Batches, a LoaderException, or END. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean closed;
  private final Thread producer;

  private long yielded;
  private long batchNo;
  private Object head;
  private boolean finished;
  private LoaderException failure;

  IterableBatchIterator(DataLoader loader, IterableDataset dataset, LoaderOptions options, Transforms transforms,
      Collator collator, LoaderMetrics metrics, long epoch, long yielded) {
    this.loader = loader;
    this.dataset = dataset;
    this.options = options;
    this.transforms = transforms;
    this.collator = collator;
    this.metrics = metrics;
    this.epoch = epoch;
    this.startYielded = yielded;
    this.yielded = yielded;
    metrics.started();
    metrics.concurrency(1);
    this.producer = new Thread(this::produce, "s3dlio-loader-stream");
    producer.setDaemon(true);
    producer.start();
  }

  private void produce() {
    List<Sample> batch = new ArrayList<>(options.batchSize());
    long[] toSkip = {startYielded};
    try (IterableDataset.SampleStream stream = dataset.open(metrics::request)) {
      ShuffleBuffer<Sample> buffer = options.shuffleBuffer() > 0
          ? new ShuffleBuffer<>(options.shuffleBuffer(), options.seed(), epoch) : null;
      java.util.function.Consumer<Sample> emit = s -> {
        if (toSkip[0] > 0) {
          toSkip[0]--;
          return;
        }
        batch.add(s);
        if (batch.size() == options.batchSize()) {
          enqueue(collator.collate(epoch, batch));
          batch.clear();
        }
      };
      long n = 0;
      while (!isClosed()) {
        Sample s;
        try {
          s = stream.next();
        } catch (SampleException e) {
          if (options.errorPolicy() == ErrorPolicy.FAIL) {
            throw e;
          }
          metrics.skipped(e);
          LOG.warn("Skipping a sample: {}", e.getMessage());
          continue;
        }
        if (s == null) {
          break;
        }
        if (n++ % options.worldSize() != options.rank()) {
          continue;
        }
        List<Sample> outs;
        try {
          outs = transforms.apply(s);
        } catch (RuntimeException e) {
          SampleException se = new SampleException(s.index(), "stream sample " + s.index(), 0,
              "a transform failed: " + e, e);
          if (options.errorPolicy() == ErrorPolicy.FAIL) {
            throw se;
          }
          metrics.skipped(se);
          continue;
        }
        for (Sample o : outs) {
          if (buffer != null) {
            buffer.offer(o, emit);
          } else {
            emit.accept(o);
          }
        }
      }
      if (buffer != null && !isClosed()) {
        buffer.drain(emit);
      }
      if (!batch.isEmpty() && !options.dropLast()) {
        enqueue(collator.collate(epoch, batch));
      }
      put(END, 0);
    } catch (IOException | RuntimeException e) {
      put(new LoaderException("Cannot make batch " + (batchNo + queue.size()) + " of epoch " + epoch + ": "
          + e.getMessage(), e), 0);
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  private void enqueue(Batch b) {
    put(b, b.byteSize());
  }

  /** Queues an item while the limits allow; drops it when the iterator is closed or the thread interrupted. */
  private void put(Object item, long bytes) {
    lock.lock();
    try {
      while (!closed && (queue.size() >= options.prefetch()
          || !queue.isEmpty() && queuedBytes + bytes > options.maxBufferedBytes())) {
        changed.await();
      }
      if (closed) {
        return;
      }
      queue.addLast(item);
      queuedBytes += bytes;
      metrics.buffered(bytes);
      metrics.queueDepth(queue.size());
      changed.signalAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean hasNext() {
    if (failure != null) {
      throw failure;
    }
    if (finished) {
      return false;
    }
    if (head == null) {
      head = take();
    }
    if (head instanceof LoaderException e) {
      failure = e;
      close();
      throw e;
    }
    if (head == END) {
      finished = true;
      loader.epochEnded(this);
      close();
      return false;
    }
    return true;
  }

  private Object take() {
    long deadline = options.timeout().isZero() ? 0 : System.nanoTime() + options.timeout().toNanos();
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (closed) {
          throw new IllegalStateException("Cannot read from a closed batch iterator");
        }
        if (deadline == 0) {
          changed.await();
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return new LoaderException("Timed out after " + options.timeout() + " waiting for batch " + batchNo
                + " of epoch " + epoch + " from the stream", null);
          }
          changed.await(left, TimeUnit.NANOSECONDS);
        }
      }
      Object o = queue.removeFirst();
      if (o instanceof Batch b) {
        queuedBytes -= b.byteSize();
        metrics.buffered(-b.byteSize());
      }
      metrics.queueDepth(queue.size());
      changed.signalAll();
      return o;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new LoaderException("Interrupted while waiting for batch " + batchNo + " of epoch " + epoch, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("Epoch " + epoch + " has no more batches");
    }
    Batch b = (Batch) head;
    head = take();
    batchNo++;
    yielded += b.size();
    metrics.delivered(b);
    if (head == END) {
      // Looking one item ahead lets a state taken after the last batch point at the next epoch.
      finished = true;
      loader.epochEnded(this);
      close();
    } else {
      loader.delivered(this, epoch, yielded, 0, yielded);
    }
    return b;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        metrics.buffered(-queuedBytes);
        queuedBytes = 0;
        queue.clear();
        metrics.queueDepth(0);
        changed.signalAll();
        loader.closed(this);
      }
    } finally {
      lock.unlock();
    }
  }
}
