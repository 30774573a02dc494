package io.s3dlio.bridge.plan;

import java.util.Locale;

/** What happens to the rows that do not fill a last global step of an epoch. */
public enum Tail {
  /** They are left out (a different, random set each epoch): every rank gets {@code floor} steps. */
  DROP,
  /** The last step is filled by wrapping around to the start of the epoch's order: {@code ceil} steps. */
  PAD;

  public static Tail parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot start the feed: tail = '" + s + "' is not drop or pad");
    }
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Steps of a run that starts at {@code offset} of an epoch of {@code rows} rows. */
  public long steps(long rows, long offset, long globalBatch) {
    long remaining = rows - offset;
    if (remaining <= 0) {
      return 0;
    }
    return this == DROP ? remaining / globalBatch : (remaining + globalBatch - 1) / globalBatch;
  }
}
