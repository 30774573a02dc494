package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;

/**
 * Where a metered store reports each finished operation: its own {@link StoreMetrics}, the
 * process-wide one, and the operation log (each optional).
 */
final class Metering {
  private final ObjectUri.Scheme backend;
  private final StoreMetrics local;
  private final StoreMetrics global;
  private final OpLog log;
  private final String endpoint;

  Metering(ObjectUri.Scheme backend, StoreMetrics local, StoreMetrics global, OpLog log, String endpoint) {
    this.backend = backend;
    this.local = local;
    this.global = global;
    this.log = log;
    this.endpoint = Redaction.endpoint(endpoint);
  }

  StoreMetrics metrics() {
    return local;
  }

  OpLog log() {
    return log;
  }

  /**
   * One finished operation: {@code start}, {@code firstByte} ({@code < 0}: none) and {@code end}
   * are {@link System#nanoTime()} values; {@code error} is null on success.
   */
  void done(StoreOp op, Object uri, long start, long firstByte, long end, long bytes, long objects, Throwable error) {
    if (local != null) {
      long ttfb = firstByte < 0 ? -1 : firstByte - start;
      local.record(backend, op, end - start, ttfb, bytes, error != null);
      global.record(backend, op, end - start, ttfb, bytes, error != null);
    }
    if (log != null) {
      log.offer(new OpLog.Entry(op, OpLog.threadId(), objects, bytes, endpoint, uri, error, start, firstByte, end));
    }
  }
}
