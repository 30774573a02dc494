package io.s3dlio.store.metrics;

import io.s3dlio.store.StoreConfig;
import java.nio.file.Path;

/**
 * Store settings of metrics and the operation log (Hadoop: the same keys under {@code fs.s3dlio.};
 * environment variables in brackets). Documented in {@code docs/observability.md}.
 */
public final class MetricsKeys {
  private MetricsKeys() {
  }

  /** Per-operation histograms and counters; {@code false} leaves the store unwrapped. {@value}. */
  public static final String METRICS_ENABLED = "metrics.enabled";
  public static final boolean METRICS_ENABLED_DEFAULT = true;

  /** File of the operation log, zstd-compressed warp TSV ({@code S3DLIO_OPLOG}); unset: off. {@value}. */
  public static final String OPLOG_FILE = "oplog.file";

  /** zstd level of the operation log ({@code S3DLIO_OPLOG_LEVEL}, as the original s3dlio). {@value}. */
  public static final String OPLOG_ZSTD_LEVEL = "oplog.zstd-level";
  public static final int OPLOG_ZSTD_LEVEL_DEFAULT = 1;

  /** Records the log's queue holds before it drops or waits ({@code S3DLIO_OPLOG_BUF}). {@value}. */
  public static final String OPLOG_QUEUE_SIZE = "oplog.queue-size";
  public static final int OPLOG_QUEUE_SIZE_DEFAULT = 8192;

  /**
   * When the queue is full: {@code false} drops the record and counts it; {@code true} makes the
   * I/O thread wait for room, at most {@link #OPLOG_MAX_WAIT_MS}, then drop and count
   * ({@code S3DLIO_OPLOG_LOSSLESS}). {@value}.
   */
  public static final String OPLOG_LOSSLESS = "oplog.lossless";
  public static final boolean OPLOG_LOSSLESS_DEFAULT = false;

  /** Longest wait of a lossless log for room in its queue, in milliseconds. {@value}. */
  public static final String OPLOG_MAX_WAIT_MS = "oplog.max-wait-ms";
  public static final int OPLOG_MAX_WAIT_MS_DEFAULT = 1000;

  /** The operation-log settings of {@code config}, or null when the log is off. */
  static OpLog.Settings opLog(StoreConfig config) {
    String file = config.get(OPLOG_FILE, "").trim();
    if (file.isEmpty()) {
      return null;
    }
    int level = config.getInt(OPLOG_ZSTD_LEVEL, OPLOG_ZSTD_LEVEL_DEFAULT);
    int queue = config.getInt(OPLOG_QUEUE_SIZE, OPLOG_QUEUE_SIZE_DEFAULT);
    int waitMs = config.getInt(OPLOG_MAX_WAIT_MS, OPLOG_MAX_WAIT_MS_DEFAULT);
    if (level < 1 || level > 22 || queue < 1 || waitMs < 0) {
      throw new IllegalArgumentException("Cannot start the operation log " + file + ": " + OPLOG_ZSTD_LEVEL + "="
          + level + " (1-22), " + OPLOG_QUEUE_SIZE + "=" + queue + " (>= 1), " + OPLOG_MAX_WAIT_MS + "=" + waitMs
          + " (>= 0)");
    }
    boolean lossless = config.getBoolean(OPLOG_LOSSLESS, OPLOG_LOSSLESS_DEFAULT);
    return new OpLog.Settings(Path.of(file).toAbsolutePath().normalize(), level, queue,
        lossless ? waitMs * 1_000_000L : 0);
  }
}
