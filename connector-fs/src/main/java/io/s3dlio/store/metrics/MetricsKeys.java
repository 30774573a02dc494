package io.s3dlio.store.metrics;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreKeys;
import java.nio.file.Path;

/**
 * Store settings of metrics and the operation log (Hadoop: the same keys under {@code fs.s3dlio.};
 * environment variables in brackets). Documented in {@code docs/observability.md}.
 */
public final class MetricsKeys {
  private MetricsKeys() {
  }

  /** Per-operation histograms and counters; {@code false} leaves the store unwrapped. */
  public static final String METRICS_ENABLED = StoreKeys.METRICS_ENABLED.name();
  public static final boolean METRICS_ENABLED_DEFAULT = StoreKeys.METRICS_ENABLED.booleanDefault();

  /** File of the operation log, zstd-compressed warp TSV ({@code S3DLIO_OPLOG}); unset: off. */
  public static final String OPLOG_FILE = StoreKeys.OPLOG_FILE.name();

  /** zstd level of the operation log ({@code S3DLIO_OPLOG_LEVEL}, as the original s3dlio). */
  public static final String OPLOG_ZSTD_LEVEL = StoreKeys.OPLOG_ZSTD_LEVEL.name();
  public static final int OPLOG_ZSTD_LEVEL_DEFAULT = StoreKeys.OPLOG_ZSTD_LEVEL.intDefault();

  /** Records the log's queue holds before it drops or waits ({@code S3DLIO_OPLOG_BUF}). */
  public static final String OPLOG_QUEUE_SIZE = StoreKeys.OPLOG_QUEUE_SIZE.name();
  public static final int OPLOG_QUEUE_SIZE_DEFAULT = StoreKeys.OPLOG_QUEUE_SIZE.intDefault();

  /**
   * When the queue is full: {@code false} drops the record and counts it; {@code true} makes the
   * I/O thread wait for room, at most {@link #OPLOG_MAX_WAIT}, then drop and count
   * ({@code S3DLIO_OPLOG_LOSSLESS}).
   */
  public static final String OPLOG_LOSSLESS = StoreKeys.OPLOG_LOSSLESS.name();
  public static final boolean OPLOG_LOSSLESS_DEFAULT = StoreKeys.OPLOG_LOSSLESS.booleanDefault();

  /** Longest wait of a lossless log for room in its queue (earlier {@code oplog.max-wait-ms}). */
  public static final String OPLOG_MAX_WAIT = StoreKeys.OPLOG_MAX_WAIT.name();

  /** The operation-log settings of {@code config}, or null when the log is off. */
  static OpLog.Settings opLog(StoreConfig config) {
    String file = config.get(OPLOG_FILE, "").trim();
    if (file.isEmpty()) {
      return null;
    }
    int level = config.getInt(OPLOG_ZSTD_LEVEL, OPLOG_ZSTD_LEVEL_DEFAULT);
    int queue = config.getInt(OPLOG_QUEUE_SIZE, OPLOG_QUEUE_SIZE_DEFAULT);
    long waitMs = config.getDuration(OPLOG_MAX_WAIT, StoreKeys.OPLOG_MAX_WAIT.durationDefault()).toMillis();
    if (level < 1 || level > 22 || queue < 1 || waitMs < 0) {
      throw new IllegalArgumentException("Cannot start the operation log " + file + ": " + OPLOG_ZSTD_LEVEL + "="
          + level + " (1-22), " + OPLOG_QUEUE_SIZE + "=" + queue + " (>= 1), " + OPLOG_MAX_WAIT + "=" + waitMs + "ms"
          + " (>= 0)");
    }
    boolean lossless = config.getBoolean(OPLOG_LOSSLESS, OPLOG_LOSSLESS_DEFAULT);
    return new OpLog.Settings(Path.of(file).toAbsolutePath().normalize(), level, queue,
        lossless ? waitMs * 1_000_000L : 0);
  }
}
