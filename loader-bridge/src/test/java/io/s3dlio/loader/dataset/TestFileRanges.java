package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TestFileRanges {

  /** The file of every sample, by the bucket table, is the one whose range holds it (empty files skipped). */
  @Test
  void fileOfEveryIndexIsTheFileHoldingIt() {
    Random rnd = new Random(97);
    for (int trial = 0; trial < 200; trial++) {
      int files = 1 + rnd.nextInt(trial % 10 == 0 ? 300 : 12);
      long[] counts = new long[files];
      for (int f = 0; f < files; f++) {
        int kind = rnd.nextInt(6);
        counts[f] = kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? rnd.nextInt(20_000) : rnd.nextInt(200);
      }
      FileRanges r = new FileRanges(counts);
      long total = r.total();
      int f = 0;
      long start = 0;
      for (long i = 0; i < total; i++) {
        while (start + counts[f] <= i) {
          start += counts[f];
          f++;
        }
        assertThat(r.fileOf(i)).as("trial %d, sample %d", trial, i).isEqualTo(f);
        assertThat(r.start(f)).isEqualTo(start);
      }
      assertThatThrownBy(() -> r.fileOf(total)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> r.fileOf(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
