package io.s3dlio.loader.dataset;

import java.util.Arrays;

/** Global sample numbers over files: file {@code f} holds {@code [start(f), start(f + 1))}. */
final class FileRanges {
  private final long[] starts;
  /**
   * {@code firstFile[b]}: the file of sample {@code b << shift}, buckets of {@code 2^shift}
   * samples with about four buckets a file: {@link #fileOf} starts there and steps over the few
   * file starts inside the bucket instead of searching all files (it is called a few times for
   * every sample a loader reads); -1 for a bucket over more than 8 files, which is searched.
   */
  private final int[] firstFile;
  private final int shift;

  /** @param counts samples in each file */
  FileRanges(long[] counts) {
    this.starts = new long[counts.length + 1];
    for (int f = 0; f < counts.length; f++) {
      starts[f + 1] = starts[f] + counts[f];
    }
    long total = total();
    long per = Math.max(1, total / (4L * Math.max(1, counts.length)));
    int s = 63 - Long.numberOfLeadingZeros(per);
    // at most about 2^20 buckets, whatever the number of files
    s = Math.max(s, 64 - Long.numberOfLeadingZeros(Math.max(1, total >>> 20)));
    this.shift = s;
    this.firstFile = new int[(int) ((total + (1L << s) - 1) >>> s) + 1];
    for (int b = 0; b < firstFile.length - 1; b++) {
      int first = search(((long) b) << s);
      int last = search(Math.min(total, ((long) b + 1) << s) - 1);
      // a bucket over many (small) files: searched instead
      firstFile[b] = last - first > 8 ? -1 : first;
    }
  }

  long total() {
    return starts[starts.length - 1];
  }

  long start(int f) {
    return starts[f];
  }

  /** The file of sample {@code index} (files with no samples are skipped). */
  int fileOf(long index) {
    if (index < 0 || index >= total()) {
      throw new IndexOutOfBoundsException("Sample " + index + " is outside [0, " + total() + ")");
    }
    int f = firstFile[(int) (index >>> shift)];
    if (f < 0) {
      return search(index);
    }
    while (starts[f + 1] <= index) {
      f++;
    }
    return f;
  }

  /** {@link #fileOf} by binary search. */
  private int search(long index) {
    int f = Arrays.binarySearch(starts, index);
    if (f < 0) {
      return -f - 2;
    }
    while (starts[f + 1] == index) {
      f++;
    }
    return f;
  }
}
