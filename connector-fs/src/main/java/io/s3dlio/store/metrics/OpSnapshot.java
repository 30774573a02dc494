package io.s3dlio.store.metrics;

import io.s3dlio.store.ObjectUri;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The totals of one operation on one backend at one moment.
 *
 * @param backend the store's scheme
 * @param op the operation
 * @param count successful operations (the number of values in {@code latencyMicros})
 * @param bytes bytes moved by the operations, failed ones included (read: bytes delivered to the
 *     caller; write: bytes accepted), as they flowed
 * @param errors failed operations (not in the histograms)
 * @param latencyMicros latency of each successful operation, start to end, in microseconds
 * @param firstByteMicros time to first byte of the streaming reads, in microseconds (empty for
 *     operations without one)
 */
public record OpSnapshot(ObjectUri.Scheme backend, StoreOp op, long count, long bytes, long errors,
    Histogram latencyMicros, Histogram firstByteMicros) {

  /** The percentiles every summary reports. */
  public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

  /** Latency at {@code percentile} (0-100) in microseconds; 0 when there were no operations. */
  public long percentileMicros(double percentile) {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile);
  }

  public long p50Micros() {
    return percentileMicros(50);
  }

  public long p90Micros() {
    return percentileMicros(90);
  }

  public long p99Micros() {
    return percentileMicros(99);
  }

  public long p999Micros() {
    return percentileMicros(99.9);
  }

  public long p9999Micros() {
    return percentileMicros(99.99);
  }

  public long maxMicros() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue();
  }

  public long minMicros() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMinValue();
  }

  public double meanMicros() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean();
  }

  /** This snapshot less an earlier one of the same operation (what happened in between). */
  public OpSnapshot minus(OpSnapshot before) {
    if (before == null) {
      return this;
    }
    Histogram l = latencyMicros.copy();
    l.subtract(before.latencyMicros);
    Histogram f = firstByteMicros.copy();
    f.subtract(before.firstByteMicros);
    return new OpSnapshot(backend, op, count - before.count, bytes - before.bytes, errors - before.errors, l, f);
  }

  /** One JSON object: counts, bytes and the latency percentiles in microseconds. */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"backend\":\"").append(backend.id()).append("\",\"op\":\"").append(op.id())
        .append("\",\"count\":").append(count).append(",\"bytes\":").append(bytes)
        .append(",\"errors\":").append(errors).append(",\"latency_us\":{");
    for (double p : PERCENTILES) {
      sb.append('"').append(label(p)).append("\":").append(percentileMicros(p)).append(',');
    }
    sb.append("\"max\":").append(maxMicros()).append(",\"mean\":")
        .append(String.format(Locale.ROOT, "%.1f", meanMicros())).append('}');
    if (firstByteMicros.getTotalCount() > 0) {
      sb.append(",\"first_byte_us\":{\"p50\":").append(firstByteMicros.getValueAtPercentile(50))
          .append(",\"p99\":").append(firstByteMicros.getValueAtPercentile(99))
          .append(",\"max\":").append(firstByteMicros.getMaxValue()).append('}');
    }
    return sb.append('}').toString();
  }

  /** {@code p50}, {@code p99.9}, ...: the label of a percentile. */
  public static String label(double percentile) {
    return percentile == Math.rint(percentile) ? "p" + (long) percentile : "p" + percentile;
  }
}
