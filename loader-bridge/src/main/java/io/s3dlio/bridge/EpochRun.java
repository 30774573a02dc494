package io.s3dlio.bridge;

import io.s3dlio.bridge.arrow.BatchAssembler.Slice;
import io.s3dlio.bridge.plan.FetchUnit;
import io.s3dlio.bridge.plan.PartitionTask;
import io.s3dlio.bridge.plan.RunPlan;
import io.s3dlio.bridge.spark.EncodedPartition;
import io.s3dlio.bridge.upload.Parcel;
import io.s3dlio.bridge.upload.UploadInbox;
import io.s3dlio.bridge.upload.UploadKey;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over an epoch from an offset, shared by all ranks: fetches its units (one Spark job per
 * block) in plan order, no further ahead than {@code prefetch-blocks} beyond the earliest batch a
 * rank has not acknowledged (or what that batch needs), releases units every rank is done with, and
 * hands each rank its batches within its credits.
 *
 * <p>All state is guarded by this object's monitor; senders wait on it.
 */
final class EpochRun {
  private static final Logger LOG = LoggerFactory.getLogger(EpochRun.class);

  enum State { ACTIVE, COMPLETE, FAILED }

  /** What a rank's sender does next. */
  sealed interface Next {
    /**
     * Send this batch: run step, first output position, rows, the Arrow message's buffers, and the
     * units [firstUnit, lastUnit] whose data the buffers view (then call {@link EpochRun#sent}).
     */
    record Batch(long step, long position, int rows, List<ByteBuffer> message, int firstUnit, int lastUnit)
        implements Next {
    }

    /** All steps were sent. */
    record End() implements Next {
    }

    /** This connection no longer serves the rank. */
    record Stop() implements Next {
    }

    record Failed(BridgeException error) implements Next {
    }
  }

  private static final class Rank {
    Object conn;
    int credits;
    long sent;
    long acked;
    boolean started;
    boolean left;
    long lostAt;
    ScheduledFuture<?> timer;
  }

  private final FeedContext ctx;
  private final RunPlan plan;
  private final long serial;
  private final String jobGroup;
  private final Consumer<EpochRun> onFinish;
  private final List<EncodedPartition>[] units;
  private final long[] unitBytes;
  /** Batches of each unit being written by senders, and released units waiting for them to finish. */
  private final int[] sending;
  private final List<EncodedPartition>[] retired;
  private final Rank[] ranks;
  private State state = State.ACTIVE;
  private BridgeException failure;
  private int scheduled;
  private int released;

  @SuppressWarnings("unchecked")
  EpochRun(FeedContext ctx, RunPlan plan, long serial, Consumer<EpochRun> onFinish) {
    this.ctx = ctx;
    this.plan = plan;
    this.serial = serial;
    this.jobGroup = "s3dlio-bridge-" + ctx.feedId() + "-run-" + serial;
    this.onFinish = onFinish;
    this.units = new List[plan.units().size()];
    this.unitBytes = new long[units.length];
    this.sending = new int[units.length];
    this.retired = new List[units.length];
    this.ranks = new Rank[plan.worldSize()];
    for (int i = 0; i < ranks.length; i++) {
      ranks[i] = new Rank();
    }
  }

  long epoch() {
    return plan.epoch();
  }

  /** Starts fetching the first blocks before any rank attaches. */
  synchronized EpochRun prefetch() {
    update();
    return this;
  }

  long offset() {
    return plan.offset();
  }

  long steps() {
    return plan.steps();
  }

  synchronized State state() {
    return state;
  }

  synchronized boolean attached(int rank, Object conn) {
    return ranks[rank].conn == conn;
  }

  synchronized boolean started(int rank) {
    return ranks[rank].started;
  }

  /** Whether any rank ever joined this run (a run begun by {@link #prefetch()} may have none). */
  synchronized boolean joined() {
    for (Rank r : ranks) {
      if (r.started) {
        return true;
      }
    }
    return false;
  }

  private String where() {
    return "epoch " + plan.epoch() + (plan.offset() == 0 ? "" : " (resumed at row " + plan.offset() + ")");
  }

  /**
   * Attaches a rank's connection. A fresh start begins at step 0; a reconnect resumes at the first
   * step not acknowledged ({@code consumed} tells what the client consumed, in case its last
   * acknowledgements were lost). Returns the first step that will be sent.
   */
  synchronized long attach(int rank, Object conn, int credits, boolean reconnect, long consumed) {
    if (state == State.FAILED) {
      throw failure;
    }
    Rank r = ranks[rank];
    if (reconnect && r.started) {
      if (consumed > r.sent) {
        throw new BridgeException(BridgeException.BAD_REQUEST, "rank " + rank + " says it consumed " + consumed
            + " steps of " + where() + ", but only " + r.sent + " were sent");
      }
      r.acked = Math.max(r.acked, consumed);
      r.sent = r.acked;
    } else {
      r.started = true;
      r.sent = 0;
      r.acked = 0;
    }
    r.left = false;
    r.conn = conn;
    r.credits = credits;
    r.lostAt = 0;
    if (r.timer != null) {
      r.timer.cancel(false);
      r.timer = null;
    }
    update();
    notifyAll();
    return r.acked;
  }

  synchronized void ack(int rank, Object conn, long consumed) {
    Rank r = ranks[rank];
    if (r.conn != conn || state != State.ACTIVE) {
      return;
    }
    if (consumed > r.sent) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "rank " + rank + " acknowledged " + consumed
          + " steps of " + where() + ", but only " + r.sent + " were sent");
    }
    r.acked = Math.max(r.acked, consumed);
    update();
    notifyAll();
  }

  /**
   * The connection of a rank is gone. After a clean goodbye, or once the rank has acknowledged all
   * its steps, the rank is done with the run; otherwise it has {@code reconnect-timeout} to come back.
   */
  synchronized void detach(int rank, Object conn, boolean leaving) {
    Rank r = ranks[rank];
    if (r.conn != conn) {
      return;
    }
    r.conn = null;
    notifyAll();
    if (state != State.ACTIVE) {
      return;
    }
    if (leaving || r.acked >= plan.steps()) {
      r.left = r.acked < plan.steps();
      update();
      return;
    }
    long stamp = System.nanoTime();
    r.lostAt = stamp;
    long at = r.acked;
    LOG.warn("s3dlio bridge: rank {} lost its connection at step {} of {}; waiting {} for it to reconnect", rank, at,
        where(), ctx.reconnectTimeout());
    r.timer = ctx.timers().schedule(() -> lost(rank, stamp, at), ctx.reconnectTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private synchronized void lost(int rank, long stamp, long step) {
    Rank r = ranks[rank];
    if (state == State.ACTIVE && r.conn == null && r.lostAt == stamp) {
      fail(new BridgeException(BridgeException.RANK_TIMEOUT, "Epoch " + plan.epoch() + " failed on every rank: rank "
          + rank + " lost its connection at step " + step + " of " + plan.steps() + " and did not reconnect within "
          + ctx.reconnectTimeout().toMillis() / 1000.0 + " s (reconnect-timeout)"), true);
    }
  }

  /** Waits until the rank can be sent something, or is told to stop. */
  synchronized Next next(int rank, Object conn) throws InterruptedException {
    while (true) {
      if (state == State.FAILED) {
        return new Next.Failed(failure);
      }
      Rank r = ranks[rank];
      if (r.conn != conn) {
        return new Next.Stop();
      }
      if (r.sent >= plan.steps()) {
        return new Next.End();
      }
      if (r.sent - r.acked < r.credits) {
        long position = plan.batchStart(r.sent, rank);
        List<Slice> slices = slices(position, position + plan.batchSize());
        if (slices != null) {
          int first = plan.unitOf(position);
          int last = plan.unitOf(position + plan.batchSize() - 1);
          for (int u = first; u <= last; u++) {
            sending[u]++;
          }
          return new Next.Batch(r.sent++, position, plan.batchSize(), ctx.assembler().assemble(slices), first, last);
        }
      }
      wait();
    }
  }

  /** A sender is done with the buffers of {@code batch}: units released meanwhile give back their arrays. */
  synchronized void sent(Next.Batch batch) {
    for (int u = batch.firstUnit(); u <= batch.lastUnit(); u++) {
      if (--sending[u] == 0 && retired[u] != null) {
        recycle(retired[u]);
        retired[u] = null;
      }
    }
  }

  private void recycle(List<EncodedPartition> parts) {
    for (EncodedPartition p : parts) {
      if (p.batch() != null) {
        ctx.inbox().buffers().recycle(p.batch());
      }
    }
  }

  /** The slices of output positions [start, end), or null while a unit they need is not fetched. */
  private List<Slice> slices(long start, long end) {
    int first = plan.unitOf(start);
    int last = plan.unitOf(end - 1);
    List<Slice> out = new ArrayList<>();
    for (int u = first; u <= last; u++) {
      if (units[u] == null) {
        return null;
      }
      for (EncodedPartition p : units[u]) {
        long[] pos = p.positions();
        int from = lowerBound(pos, start);
        int to = lowerBound(pos, end);
        if (to > from) {
          out.add(new Slice(p.batch(), from, to - from));
        }
      }
    }
    return out;
  }

  private static int lowerBound(long[] a, long key) {
    int i = Arrays.binarySearch(a, key);
    return i >= 0 ? i : -i - 1;
  }

  /** Completes, releases what no rank needs, and schedules fetches up to the horizon. */
  private void update() {
    if (state != State.ACTIVE) {
      return;
    }
    long low = Long.MAX_VALUE;
    for (int i = 0; i < ranks.length; i++) {
      Rank r = ranks[i];
      if (!r.left && r.acked < plan.steps()) {
        low = Math.min(low, plan.batchStart(r.acked, i));
      }
    }
    if (low == Long.MAX_VALUE) {
      finish(State.COMPLETE, null, false);
      return;
    }
    int lowUnit = plan.unitOf(low);
    int need = plan.unitOf(low + plan.batchSize() - 1);
    while (released < lowUnit) {
      release(released++);
    }
    int horizon = Math.min(units.length - 1, Math.max(lowUnit + ctx.prefetchBlocks() - 1, need));
    while (scheduled <= horizon) {
      int u = scheduled++;
      ctx.fetchPool().execute(() -> fetch(u));
    }
  }

  private void release(int u) {
    if (units[u] != null) {
      if (sending[u] == 0) {
        recycle(units[u]);
      } else {
        retired[u] = units[u];
      }
      units[u] = null;
      ctx.stats().released(unitBytes[u]);
      unitBytes[u] = 0;
    }
  }

  private void fetch(int u) {
    FetchUnit unit = plan.units().get(u);
    PartitionTask[] tasks = plan.tasks(unit,
        id -> ctx.partitions().known(id) ? Integer.valueOf(ctx.partitions().checksum(id)) : null);
    int[] ids = Arrays.stream(tasks).mapToInt(PartitionTask::partition).toArray();
    String what = "block " + unit.block() + " (partitions " + Arrays.toString(ids) + ")" + (unit.wrap() ? ", wrapped" : "");
    synchronized (this) {
      if (state != State.ACTIVE) {
        return;
      }
    }
    List<EncodedPartition> parts;
    long t0 = System.nanoTime();
    ctx.inbox().open(serial, u);
    try {
      parts = ctx.source().fetch(jobGroup, "s3dlio bridge: " + where() + ", " + what, tasks,
          ctx.uploadTarget(serial, u));
      parts = received(u, what, parts);
      if (LOG.isDebugEnabled()) {
        LOG.debug("s3dlio bridge: fetched {} of {} in {} ms", what, where(), (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (Throwable t) {
      synchronized (this) {
        if (state == State.ACTIVE) {
          fail(new BridgeException(BridgeException.EPOCH_FAILED, "Epoch " + plan.epoch() + " failed on every rank: "
              + "the Spark job for " + what + " failed: " + rootMessage(t), t), true);
        }
      }
      return;
    } finally {
      ctx.inbox().close(serial, u);
    }
    if (parts != null) {
      fetched(u, what, parts);
    }
  }

  /**
   * The partitions of a finished job with the uploads their receipts name taken from the inbox; null
   * (and the run failed) when a partition cannot be used.
   */
  private List<EncodedPartition> received(int u, String what, List<EncodedPartition> parts) {
    List<EncodedPartition> out = new ArrayList<>(parts.size());
    for (EncodedPartition p : parts) {
      if (!p.differs()) {
        ctx.stats().partitionReceived(p.receipt() != null);
      }
      if (p.receipt() == null) {
        out.add(p);
        continue;
      }
      try {
        Parcel data = ctx.inbox().take(new UploadKey(serial, u, p.partition()), p.receipt());
        out.add(EncodedPartition.of(p.partition(), p.count(), p.checksum(), data.positions(), data.batch()));
      } catch (UploadInbox.UploadException e) {
        synchronized (this) {
          fail(e.nonDeterministic() ? nonDeterministic(p.partition(), what, e.getMessage())
              : new BridgeException(BridgeException.EPOCH_FAILED, "Epoch " + plan.epoch() + " failed on every rank: "
                  + "partition " + p.partition() + " of " + what + " cannot be delivered: " + e.getMessage()), true);
        }
        return null;
      }
    }
    return out;
  }

  private BridgeException nonDeterministic(int partition, String what, String differs) {
    return new BridgeException(BridgeException.NON_DETERMINISTIC, String.format("Epoch %d failed on every rank: "
        + "partition %d of the DataFrame (%s) gave different rows when computed again (%s). Its input is not "
        + "deterministic (rand() or uuid() without a seed, a shuffle whose order varies, a source that "
        + "changed), so rows would be lost or repeated: persist() or localCheckpoint() the DataFrame before "
        + "streaming it.", plan.epoch(), partition, what, differs));
  }

  private synchronized void fetched(int u, String what, List<EncodedPartition> parts) {
    if (state != State.ACTIVE) {
      return;
    }
    long bytes = 0;
    for (EncodedPartition p : parts) {
      String differs = ctx.partitions().verify(p.partition(), p.count(), p.checksum());
      if (differs == null && p.differs()) {
        differs = "the task saw different rows than the plan expects";
      }
      if (differs != null) {
        fail(nonDeterministic(p.partition(), what, differs), true);
        return;
      }
      bytes += p.heldBytes();
    }
    if (u < released) {
      return;
    }
    units[u] = parts;
    unitBytes[u] = bytes;
    ctx.stats().blockFetched(bytes);
    notifyAll();
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = String.valueOf(t.getMessage());
    return c == t ? m : m + " (cause: " + c + ")";
  }

  /** Fails the run for every rank. */
  synchronized void fail(BridgeException error, boolean counted) {
    if (state != State.ACTIVE) {
      return;
    }
    LOG.warn("s3dlio bridge: {}", error.getMessage());
    finish(State.FAILED, error, counted);
    ctx.source().cancel(jobGroup);
  }

  private void finish(State to, BridgeException error, boolean countedFailure) {
    state = to;
    failure = error;
    while (released < units.length) {
      release(released++);
    }
    for (Rank r : ranks) {
      if (r.timer != null) {
        r.timer.cancel(false);
      }
    }
    if (to == State.COMPLETE) {
      ctx.stats().runCompleted();
    } else if (countedFailure) {
      ctx.stats().runFailed();
    }
    notifyAll();
    ctx.timers().execute(() -> onFinish.accept(this)); // not under this monitor: the registry locks runs too
  }
}
