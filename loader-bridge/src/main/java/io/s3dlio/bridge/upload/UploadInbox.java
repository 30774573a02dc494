package io.s3dlio.bridge.upload;

import io.s3dlio.bridge.arrow.BufferPool;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The driver's side of the uploads of one feed: the partitions that executor tasks uploaded for the
 * units whose Spark job is running, until the driver takes the one Spark accepted.
 *
 * <p>At most one upload per partition of a unit: the first attempt to offer uploads; an attempt
 * that offers while another one's upload is in progress waits for it; once an upload is complete,
 * a later attempt with the same row count and checksum sends nothing and names the holder in its
 * receipt ({@link Decision.Same}), one with other rows is a conflict (the input is not
 * deterministic: {@link Decision.Differs}, and {@link #take} refuses the partition). When the job
 * ends, the driver takes the upload named by the accepted receipt and {@link #close}s the unit,
 * which drops what other attempts uploaded and refuses their later offers. A retried or speculative
 * attempt therefore never adds or removes rows, and never holds a second copy of the bytes.
 *
 * <p>Uploads of the units a run fetches are counted by {@code held} and {@code released} (the
 * feed's buffered bytes); the run fetches no further than its horizon, which bounds them.
 */
public final class UploadInbox {
  private static final Map<String, UploadInbox> IN_THIS_JVM = new ConcurrentHashMap<>();

  /** The answer to an attempt's offer. */
  public sealed interface Decision {
    /** Send the data. */
    record Go() implements Decision {
    }

    /** Another attempt uploaded the same rows: send nothing, name it in the receipt. */
    record Same(long holder, long bytes, int crc) implements Decision {
    }

    /** Another attempt uploaded different rows; the driver will refuse the partition. */
    record Differs(long holder, long bytes, int crc) implements Decision {
    }

    /** The unit's job is over (or its run abandoned): nothing is needed. */
    record Refused(String reason) implements Decision {
    }
  }

  /** A partition the driver cannot use: {@link #nonDeterministic()} when two attempts disagreed. */
  public static final class UploadException extends Exception {
    private final boolean nonDeterministic;

    UploadException(String message, boolean nonDeterministic) {
      super(message);
      this.nonDeterministic = nonDeterministic;
    }

    public boolean nonDeterministic() {
      return nonDeterministic;
    }
  }

  private record Unit(long run, int unit) {
  }

  private static final class Entry {
    final long attempt;
    final long count;
    final int checksum;
    Parcel parcel;
    long bytes;
    int crc;

    Entry(long attempt, long count, int checksum) {
      this.attempt = attempt;
      this.count = count;
      this.checksum = checksum;
    }
  }

  private final String feedId;
  private final BufferPool buffers;
  private final LongConsumer held;
  private final LongConsumer released;
  private final Set<Unit> open = new HashSet<>();
  private final Map<UploadKey, Entry> entries = new HashMap<>();
  private final Map<UploadKey, String> conflicts = new HashMap<>();

  public UploadInbox(String feedId, LongConsumer held, LongConsumer released) {
    this(feedId, BufferPool.NONE, held, released);
  }

  /**
   * An inbox whose tasks in this JVM encode into arrays of {@code buffers}, which the feed recycles
   * once every rank is done with a block.
   */
  public UploadInbox(String feedId, BufferPool buffers, LongConsumer held, LongConsumer released) {
    this.feedId = feedId;
    this.buffers = buffers;
    this.held = held;
    this.released = released;
  }

  /** The inbox of {@code feedId} when that feed runs in this JVM (tasks of local mode), else null. */
  public static UploadInbox inThisJvm(String feedId) {
    return IN_THIS_JVM.get(feedId);
  }

  /** Lets tasks in this JVM hand their partitions over in memory, until {@link #unregister()}. */
  public UploadInbox register() {
    IN_THIS_JVM.put(feedId, this);
    return this;
  }

  public void unregister() {
    IN_THIS_JVM.remove(feedId, this);
    buffers.clear();
  }

  public String feedId() {
    return feedId;
  }

  /** The encode buffers of tasks that hand their partitions over in this JVM. */
  public BufferPool buffers() {
    return buffers;
  }

  /** Accepts uploads for a unit whose job is about to start. */
  public synchronized void open(long run, int unit) {
    open.add(new Unit(run, unit));
  }

  /** The unit's job is over: drops what was not taken and refuses later offers. */
  public synchronized void close(long run, int unit) {
    open.remove(new Unit(run, unit));
    for (Iterator<Map.Entry<UploadKey, Entry>> it = entries.entrySet().iterator(); it.hasNext();) {
      Map.Entry<UploadKey, Entry> e = it.next();
      if (e.getKey().run() == run && e.getKey().unit() == unit) {
        it.remove();
        if (e.getValue().parcel != null) {
          released.accept(e.getValue().bytes);
        }
      }
    }
    conflicts.keySet().removeIf(k -> k.run() == run && k.unit() == unit);
    notifyAll();
  }

  /** Bytes of the complete uploads held (not taken yet). */
  public synchronized long heldBytes() {
    long n = 0;
    for (Entry e : entries.values()) {
      n += e.parcel == null ? 0 : e.bytes;
    }
    return n;
  }

  /**
   * An attempt offers its partition of {@code count} rows with {@code checksum}. Waits while another
   * attempt's upload of the same partition is in progress.
   */
  public synchronized Decision offer(UploadKey key, long attempt, long count, int checksum)
      throws InterruptedException {
    while (true) {
      if (!open.contains(new Unit(key.run(), key.unit()))) {
        return new Decision.Refused("the feed no longer needs unit " + key.unit() + " of run " + key.run()
            + " (its job ended or the run was abandoned)");
      }
      Entry e = entries.get(key);
      if (e == null) {
        entries.put(key, new Entry(attempt, count, checksum));
        return new Decision.Go();
      }
      if (e.attempt == attempt) {
        return new Decision.Refused("task attempt " + attempt + " already offered partition " + key.partition());
      }
      if (e.parcel == null) {
        wait();
        continue;
      }
      if (e.count == count && e.checksum == checksum) {
        return new Decision.Same(e.attempt, e.bytes, e.crc);
      }
      conflicts.putIfAbsent(key, String.format("two attempts of its task gave different rows (task attempt %d: %d rows, "
          + "checksum %08x; task attempt %d: %d rows, checksum %08x)", e.attempt, e.count, e.checksum, attempt, count,
          checksum));
      return new Decision.Differs(e.attempt, e.bytes, e.crc);
    }
  }

  /**
   * The data of an attempt told to {@link Decision.Go}. Returns false (and keeps nothing) when the
   * unit was closed meanwhile.
   */
  public synchronized boolean store(UploadKey key, long attempt, Parcel parcel, int crc) {
    Entry e = entries.get(key);
    if (e == null || e.attempt != attempt || e.parcel != null) {
      return false;
    }
    e.parcel = parcel;
    e.bytes = parcel.bytes();
    e.crc = crc;
    held.accept(e.bytes);
    notifyAll();
    return true;
  }

  /** The upload of an attempt told to {@link Decision.Go} failed: another attempt may upload. */
  public synchronized void abort(UploadKey key, long attempt) {
    Entry e = entries.get(key);
    if (e != null && e.attempt == attempt && e.parcel == null) {
      entries.remove(key);
      notifyAll();
    }
  }

  /** Takes the upload the receipt of the attempt Spark accepted names (the caller now holds its bytes). */
  public synchronized Parcel take(UploadKey key, Receipt receipt) throws UploadException {
    String conflict = conflicts.get(key);
    if (conflict != null) {
      throw new UploadException(conflict, true);
    }
    Entry e = entries.get(key);
    if (e == null || e.parcel == null || e.attempt != receipt.holder()) {
      throw new UploadException("the upload of partition " + key.partition() + " by task attempt " + receipt.holder()
          + " (named by the receipt of task attempt " + receipt.attempt() + ") is not in the feed's inbox", false);
    }
    if (e.bytes != receipt.bytes() || e.crc != receipt.crc()) {
      throw new UploadException(String.format("the upload of partition %d by task attempt %d holds %d bytes with "
          + "CRC32C %08x, its receipt says %d bytes with CRC32C %08x", key.partition(), e.attempt, e.bytes, e.crc,
          receipt.bytes(), receipt.crc()), false);
    }
    entries.remove(key);
    released.accept(e.bytes);
    return e.parcel;
  }
}
