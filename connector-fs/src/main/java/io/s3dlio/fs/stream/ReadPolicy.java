package io.s3dlio.fs.stream;

import java.util.Locale;

/**
 * How an input stream sizes its GETs (the standard {@code fs.option.openfile.read.policy} values).
 * <ul>
 *   <li>{@link #SEQUENTIAL}, {@link #WHOLE_FILE}: one long GET to the end of the file;</li>
 *   <li>{@link #RANDOM}, {@link #VECTOR}: small GETs of max(readahead, requested length);</li>
 *   <li>{@link #ADAPTIVE}: sequential until the first backward seek, then random.</li>
 * </ul>
 * On {@code file://} the policy also reaches the kernel through {@code posix_fadvise}.
 */
public enum ReadPolicy {
  SEQUENTIAL, RANDOM, ADAPTIVE, VECTOR, WHOLE_FILE;

  /**
   * The first policy of a comma-separated list that is known here, or {@code fallback}. Format
   * names map as S3A does: columnar formats (parquet, orc, hbase) to random, row formats (avro,
   * csv, json) to sequential; {@code default} to {@code fallback}.
   */
  public static ReadPolicy parse(String list, ReadPolicy fallback) {
    if (list == null) {
      return fallback;
    }
    for (String s : list.split(",")) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "sequential", "avro", "csv", "json":
          return SEQUENTIAL;
        case "random", "parquet", "orc", "hbase", "columnar":
          return RANDOM;
        case "adaptive":
          return ADAPTIVE;
        case "vector":
          return VECTOR;
        case "whole-file":
          return WHOLE_FILE;
        case "default":
          return fallback;
        default:
          // unknown policies are skipped, as the specification asks
      }
    }
    return fallback;
  }

  /** Whether GETs run to the end of the file. */
  boolean longGets() {
    return this == SEQUENTIAL || this == WHOLE_FILE || this == ADAPTIVE;
  }
}
