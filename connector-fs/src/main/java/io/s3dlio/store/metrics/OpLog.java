package io.s3dlio.store.metrics;

import com.github.luben.zstd.ZstdOutputStream;
import io.s3dlio.store.StoreErrors;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation log: one line per store operation, as zstd-compressed TSV with the columns of MinIO
 * warp's operation files ({@code warp analyze} reads them), in this order:
 * {@code idx thread op client_id n_objects bytes endpoint file error start first_byte end duration_ns}.
 * Times are RFC 3339 in UTC with nanoseconds, trailing zeros cut (Go's {@code time.RFC3339Nano});
 * {@code first_byte} is empty for operations without one.
 *
 * <p>I/O threads only put a record in a bounded, lock-free queue; one background thread formats,
 * compresses and writes. The writer takes what is queued every {@link #POLL_NANOS} (sooner when an
 * I/O thread fills half the queue: it wakes the writer) and flushes the compressed stream to the
 * file at most {@link #FLUSH_NANOS} after a line was written, not each time the queue runs empty
 * (a zstd flush and a write per record or two and a wake-up every millisecond took 35 ms of CPU a
 * second with nothing to log; see docs/observability.md). When the queue is full the record
 * is dropped and counted ({@link #dropped()}), or, with {@code lossless}, the I/O thread waits for
 * room at most {@code maxWaitNanos} and then drops.
 * Logs are shared per file and reference-counted: the last {@link #release()} drains the queue,
 * ends the zstd frame and closes the file; a JVM shutdown hook closes any log still open. A file
 * opened again later in the same process is continued (a new zstd frame, no second header).
 * No credentials are written: URIs carry none, endpoints are cut to {@code scheme://host:port},
 * and error texts lose URL queries and signature or key parameters.
 */
public final class OpLog {
  private static final Logger LOG = LoggerFactory.getLogger(OpLog.class);
  /** The header of warp's operation TSV ({@code Operations.CSV} in warp's pkg/bench/ops.go). */
  public static final String HEADER =
      "idx\tthread\top\tclient_id\tn_objects\tbytes\tendpoint\tfile\terror\tstart\tfirst_byte\tend\tduration_ns";
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final Map<Path, OpLog> OPEN = new HashMap<>();
  /** Lines written to each file by earlier logs of this process (a reopened file continues). */
  private static final Map<Path, Long> WRITTEN_BEFORE = new HashMap<>();
  private static final String CLIENT_ID = "s3dlio-" + ProcessHandle.current().pid();
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private static final ThreadLocal<Integer> THREAD_ID =
      ThreadLocal.withInitial(() -> THREAD_IDS.getAndIncrement() & 0xffff);
  private static boolean hookInstalled;
  /** How long the idle writer sleeps before it looks at the queue again. */
  static final long POLL_NANOS = 20_000_000L;
  /** Longest time a line stays in the writer's buffers before it is flushed to the file. */
  static final long FLUSH_NANOS = 1_000_000_000L;

  /** Where and how to log. {@code maxWaitNanos == 0}: drop at once when the queue is full. */
  public record Settings(Path file, int zstdLevel, int queueSize, long maxWaitNanos) {
  }

  /**
   * One finished operation; times are {@link System#nanoTime()} values, {@code firstByte < 0}: none.
   * {@code file} (a URI) and {@code error} (null on success) are turned into text by the writer
   * thread, off the I/O path.
   */
  record Entry(StoreOp op, int thread, long objects, long bytes, String endpoint, Object file, Throwable error,
      long start, long firstByte, long end) {
  }

  private final Settings settings;
  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
  /** Records in {@link #queue} (bounded by the settings; counted apart: the queue's size() is O(n)). */
  private final AtomicInteger queued = new AtomicInteger();
  /** The queue length at which the I/O thread that reaches it wakes the writer (half the queue). */
  private final int wakeAt;
  private final Thread writer;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder offered = new LongAdder();
  /** nanoTime and wall clock (nanoseconds since the epoch) read together, to place nanoTimes in time. */
  private final long baseNano;
  private final long baseEpochNanos;
  private volatile boolean closing;
  /** Set by close() after {@link #closing}: the writer stops once the queue is empty. */
  private volatile boolean stopping;
  private volatile IOException failure;
  private long idx;
  private int refs;
  /** The writer's last formatted second ({@link #time}). */
  private long lastSecond = Long.MIN_VALUE;
  private String lastSecondText;

  private OpLog(Settings settings, long firstIdx) throws IOException {
    this.settings = settings;
    this.idx = firstIdx;
    this.wakeAt = Math.max(1, settings.queueSize() / 2);
    Instant now = Instant.now();
    this.baseNano = System.nanoTime();
    this.baseEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    Path parent = settings.file().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    OutputStream file = Files.newOutputStream(settings.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        firstIdx == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    ZstdOutputStream z;
    try {
      z = new ZstdOutputStream(new BufferedOutputStream(file, 1 << 16), settings.zstdLevel());
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
    OutputStream out = new BufferedOutputStream(z, 1 << 16);
    this.writer = new Thread(() -> drain(out), "s3dlio-oplog");
    writer.setDaemon(true);
    writer.start();
    LOG.info("Operation log {} started (zstd level {}, queue {}, {})", settings.file(), settings.zstdLevel(),
        settings.queueSize(), settings.maxWaitNanos() > 0 ? "lossless" : "drops when full");
  }

  /** The log writing to {@code settings.file()}, started if needed; pair with {@link #release()}. */
  public static OpLog acquire(Settings settings) throws IOException {
    synchronized (OPEN) {
      OpLog log = OPEN.get(settings.file());
      if (log == null) {
        try {
          log = new OpLog(settings, WRITTEN_BEFORE.getOrDefault(settings.file(), 0L));
        } catch (IOException e) {
          throw new IOException("Cannot start the operation log " + settings.file() + ": " + e.getMessage(), e);
        }
        OPEN.put(settings.file(), log);
        if (!hookInstalled) {
          hookInstalled = true;
          Runtime.getRuntime().addShutdownHook(new Thread(OpLog::closeAll, "s3dlio-oplog-close"));
        }
      }
      log.refs++;
      return log;
    }
  }

  /** Drops one reference; the last one flushes and closes the file. */
  public void release() throws IOException {
    synchronized (OPEN) {
      if (--refs > 0) {
        return;
      }
      OPEN.remove(settings.file());
    }
    close();
  }

  private static void closeAll() {
    synchronized (OPEN) {
      for (OpLog log : OPEN.values()) {
        try {
          log.close();
        } catch (IOException e) {
          LOG.warn("Operation log {}: {}", log.settings.file(), e.getMessage());
        }
      }
      OPEN.clear();
    }
  }

  /** The file written. */
  public Path file() {
    return settings.file();
  }

  /** Records dropped because the queue was full (or the log was closing). */
  public long dropped() {
    return dropped.sum();
  }

  /** The small per-thread number of the calling thread ({@code thread} column). */
  static int threadId() {
    return THREAD_ID.get();
  }

  /** Queues one record; never waits longer than the settings allow. */
  void offer(Entry e) {
    offered.increment();
    if (closing) {
      dropped.increment();
      return;
    }
    if (tryPut(e)) {
      return;
    }
    if (settings.maxWaitNanos() > 0) {
      long deadline = System.nanoTime() + settings.maxWaitNanos();
      while (!closing && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(50_000);
        if (tryPut(e)) {
          return;
        }
      }
    }
    dropped.increment();
  }

  private boolean tryPut(Entry e) {
    int n = queued.incrementAndGet();
    if (n > settings.queueSize()) {
      queued.decrementAndGet();
      return false;
    }
    queue.add(e);
    if (n == wakeAt) {
      LockSupport.unpark(writer); // a burst: do not let the queue fill while the writer sleeps
    }
    return true;
  }

  private void drain(OutputStream out) {
    StringBuilder sb = new StringBuilder(256);
    try (out) {
      if (idx == 0) {
        out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
      }
      boolean dirty = false;
      long dirtySince = 0;
      while (true) {
        Entry e = queue.poll();
        if (e == null) {
          if (stopping) {
            break;
          }
          if (dirty && System.nanoTime() - dirtySince >= FLUSH_NANOS) {
            out.flush(); // push what we have to the file (a crash loses at most the last second and the queue)
            dirty = false;
          }
          LockSupport.parkNanos(this, POLL_NANOS);
          continue;
        }
        queued.decrementAndGet();
        if (!dirty) {
          dirty = true;
          dirtySince = System.nanoTime();
        }
        sb.setLength(0);
        format(e, sb);
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      failure = e;
      LOG.warn("Operation log {} stopped: {}", settings.file(), e.getMessage());
    } finally {
      closing = true;
      dropQueued();
    }
  }

  private void format(Entry e, StringBuilder sb) {
    sb.append(idx++).append('\t').append(e.thread()).append('\t').append(e.op().logName()).append('\t')
        .append(CLIENT_ID).append('\t').append(e.objects()).append('\t').append(e.bytes()).append('\t')
        .append(e.endpoint()).append('\t').append(Redaction.field(String.valueOf(e.file()))).append('\t')
        .append(e.error() == null ? "" : Redaction.text(e.error().getMessage() == null
            ? StoreErrors.rootCause(e.error()) : e.error().getMessage())).append('\t');
    time(e.start(), sb);
    sb.append('\t');
    if (e.firstByte() >= 0) {
      time(e.firstByte(), sb);
    }
    sb.append('\t');
    time(e.end(), sb);
    sb.append('\t').append(e.end() - e.start()).append('\n');
  }

  /** Go's time.RFC3339Nano in UTC: seconds, then the fraction without trailing zeros. */
  private void time(long nano, StringBuilder sb) {
    long epochNanos = baseEpochNanos + (nano - baseNano);
    long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
    if (secs != lastSecond) { // the three times of a line, and most lines of a second, share it
      lastSecond = secs;
      lastSecondText = SECONDS.format(Instant.ofEpochSecond(secs));
    }
    sb.append(lastSecondText);
    appendFraction((int) Math.floorMod(epochNanos, 1_000_000_000L), sb);
  }

  static void appendRfc3339Nano(long epochNanos, StringBuilder sb) {
    SECONDS.formatTo(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L)), sb);
    appendFraction((int) Math.floorMod(epochNanos, 1_000_000_000L), sb);
  }

  /** {@code .fraction} of a second without trailing zeros (nothing for 0), then {@code Z}. */
  private static void appendFraction(int nanos, StringBuilder sb) {
    if (nanos != 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      String f = Integer.toString(nanos);
      sb.append('.');
      for (int pad = digits - f.length(); pad > 0; pad--) {
        sb.append('0');
      }
      sb.append(f);
    }
    sb.append('Z');
  }

  /** Counts what is left in the queue as dropped (the writer is gone). */
  private void dropQueued() {
    while (queue.poll() != null) {
      queued.decrementAndGet();
      dropped.increment();
    }
  }

  private void close() throws IOException {
    closing = true; // new records are dropped; the writer takes what is queued, then stops
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while closing the operation log " + settings.file(), e);
    }
    dropQueued(); // records of I/O threads that raced with the close
    synchronized (OPEN) {
      WRITTEN_BEFORE.put(settings.file(), idx);
    }
    if (dropped.sum() > 0) {
      LOG.warn("Operation log {}: {} of {} records dropped (queue of {} full; see oplog.queue-size, oplog.lossless)",
          settings.file(), dropped.sum(), offered.sum(), settings.queueSize());
    }
    if (failure != null) {
      throw new IOException("Operation log " + settings.file() + " failed: " + failure.getMessage(), failure);
    }
  }
}
