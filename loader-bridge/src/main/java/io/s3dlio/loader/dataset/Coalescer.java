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
    int[] order = order(file, start);
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

  /** Fewest pieces sorted by radix (a group's thousands of pieces); fewer go to {@link Arrays#sort}. */
  static final int RADIX_MIN = 512;
  private static final int DIGIT_BITS = 11;

  /**
   * Sorts {@code a} by bits {@code [lo, hi)}, stably (least significant digit first, 11 bits a
   * pass, skipping digits every key shares): a few linear passes where a comparison sort of a
   * group's pieces spent most of a request plan's time.
   */
  static void radixSort(long[] a, int lo, int hi) {
    int n = a.length;
    long[] src = a;
    long[] dst = new long[n];
    int[] count = new int[1 << DIGIT_BITS];
    for (int shift = lo; shift < hi; shift += DIGIT_BITS) {
      int mask = (1 << Math.min(DIGIT_BITS, hi - shift)) - 1;
      Arrays.fill(count, 0);
      for (long k : src) {
        count[(int) (k >>> shift) & mask]++;
      }
      if (count[(int) (src[0] >>> shift) & mask] == n) {
        continue;
      }
      int sum = 0;
      for (int d = 0; d <= mask; d++) {
        int c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (long k : src) {
        dst[count[(int) (k >>> shift) & mask]++] = k;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    if (src != a) {
      System.arraycopy(src, 0, a, 0, n);
    }
  }

  /** The pieces' numbers sorted by file, then start, then number. */
  static int[] order(int[] file, long[] start) {
    int n = file.length;
    int[] order = new int[n];
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = file[i - 1] < file[i] || file[i - 1] == file[i] && start[i - 1] <= start[i];
    }
    if (sorted) {
      // already in order (a part's pieces, planned once for its whole fetch): nothing to sort
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      return order;
    }
    int maxFile = 0;
    long maxStart = 0;
    boolean negative = false;
    for (int i = 0; i < n; i++) {
      maxFile = Math.max(maxFile, file[i]);
      maxStart = Math.max(maxStart, start[i]);
      negative |= file[i] < 0 || start[i] < 0;
    }
    int numBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
    int startBits = 64 - Long.numberOfLeadingZeros(maxStart);
    int fileBits = 32 - Integer.numberOfLeadingZeros(maxFile);
    if (!negative && numBits + startBits + fileBits <= 63) {
      // the usual case: (file, start, number) packed into one long, sorted as primitives
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = (long) file[i] << (startBits + numBits) | start[i] << numBits | i;
      }
      if (n >= RADIX_MIN) {
        // the keys are in number order: a stable sort on (file, start) alone leaves equal ones so
        radixSort(keys, numBits, numBits + startBits + fileBits);
      } else {
        Arrays.sort(keys);
      }
      long mask = (1L << numBits) - 1;
      for (int i = 0; i < n; i++) {
        order[i] = (int) (keys[i] & mask);
      }
      return order;
    }
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, Comparator.<Integer>comparingInt(i -> file[i]).thenComparingLong(i -> start[i]));
    for (int i = 0; i < n; i++) {
      order[i] = boxed[i];
    }
    return order;
  }
}
