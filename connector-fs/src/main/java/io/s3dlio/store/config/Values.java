package io.s3dlio.store.config;

import java.time.Duration;
import java.util.Locale;

/** The one syntax of durations and sizes, for every key of every module. */
public final class Values {
  private Values() {
  }

  /** A duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain milliseconds; {@code key} names it in errors. */
  public static Duration parseDuration(String key, String value) {
    String t = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      }
      char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
      String n = t.substring(0, Math.max(0, t.length() - 1)).trim();
      switch (unit) {
        case 's':
          return Duration.ofSeconds(Long.parseLong(n));
        case 'm':
          return Duration.ofMinutes(Long.parseLong(n));
        case 'h':
          return Duration.ofHours(Long.parseLong(n));
        default:
          return Duration.ofMillis(Long.parseLong(t));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + value
          + "' is not a duration (e.g. 500ms, 10s, 2m)", e);
    }
  }

  /** A size in bytes: plain, or with a suffix k, m, g, t (binary multiples); {@code key} names it in errors. */
  public static long parseBytes(String key, String v) {
    String t = v.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty()) {
      char c = t.charAt(t.length() - 1);
      if (c == 'k' || c == 'm' || c == 'g' || c == 't') {
        mult = c == 'k' ? 1L << 10 : c == 'm' ? 1L << 20 : c == 'g' ? 1L << 30 : 1L << 40;
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(t.trim()), mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + v + "' is not a size", e);
    }
  }
}
