package io.s3dlio.loader.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Plans range requests for a batch: the pieces it needs (file, start, length) are sorted, and
 * pieces of one file whose gap is at most {@code maxGap} are merged into one request while it
 * stays within {@code maxRequest} units. Units are whatever the caller counts (bytes, rows).
 */
final class Coalescer {
  /** One request: {@code [start, end)} of {@code file}, serving the pieces {@code slots}. */
  record Range(int file, long start, long end, int[] slots) {
  }

  private final long maxGap;
  private final long maxRequest;

  Coalescer(long maxGap, long maxRequest) {
    if (maxGap < 0 || maxRequest < 1) {
      throw new IllegalArgumentException("Cannot coalesce with gap " + maxGap + " and request size " + maxRequest);
    }
    this.maxGap = maxGap;
    this.maxRequest = maxRequest;
  }

  /** Piece {@code i} is {@code [start[i], start[i] + length[i])} of {@code file[i]}. */
  List<Range> plan(int[] file, long[] start, long[] length) {
    int n = file.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingInt(i -> file[i]).thenComparingLong(i -> start[i]));
    List<Range> out = new ArrayList<>();
    int i = 0;
    while (i < n) {
      int first = order[i];
      long s = start[first];
      long e = s + length[first];
      int j = i + 1;
      while (j < n) {
        int k = order[j];
        long ke = Math.max(e, start[k] + length[k]);
        if (file[k] != file[first] || start[k] - e > maxGap || ke - s > maxRequest) {
          break;
        }
        e = ke;
        j++;
      }
      int[] slots = new int[j - i];
      for (int q = i; q < j; q++) {
        slots[q - i] = order[q];
      }
      out.add(new Range(file[first], s, e, slots));
      i = j;
    }
    return out;
  }
}
