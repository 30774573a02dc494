package io.s3dlio.loader.dataset;

import java.util.Arrays;

/** Global sample numbers over files: file {@code f} holds {@code [start(f), start(f + 1))}. */
final class FileRanges {
  private final long[] starts;

  /** @param counts samples in each file */
  FileRanges(long[] counts) {
    this.starts = new long[counts.length + 1];
    for (int f = 0; f < counts.length; f++) {
      starts[f + 1] = starts[f] + counts[f];
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
