package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pieces of a coalesced range read: the request plan's order and the streaming reader. */
class TestRangeReads {

  /** The packed-key sort gives the order a plain stable sort by (file, start) gives, on both of its paths. */
  @Test
  void planOrderEqualsAStableSortByFileAndStart() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 150; trial++) {
      int n = rnd.nextInt(200);
      int[] file = new int[n];
      long[] start = new long[n];
      // small values (the packed path) or huge offsets (more than 63 bits of key: the fallback)
      long range = trial % 3 == 0 ? Long.MAX_VALUE / 4 : 1 + rnd.nextInt(50);
      for (int i = 0; i < n; i++) {
        file[i] = rnd.nextInt(trial % 2 == 0 ? 3 : 1000);
        start[i] = (long) (rnd.nextDouble() * range);
      }
      if (trial % 5 == 4) {
        // pieces already in order (as a part's are): the plan keeps them as they are
        long[] key = new long[n];
        for (int i = 0; i < n; i++) {
          key[i] = (long) file[i] << 40 | Math.min(start[i], (1L << 40) - 1);
        }
        Arrays.sort(key);
        for (int i = 0; i < n; i++) {
          file[i] = (int) (key[i] >>> 40);
          start[i] = key[i] & ((1L << 40) - 1);
        }
      }
      Integer[] expected = IntStream.range(0, n).boxed().toArray(Integer[]::new);
      Arrays.sort(expected, Comparator.<Integer>comparingInt(i -> file[i]).thenComparingLong(i -> start[i]));
      assertThat(Coalescer.order(file, start)).as("trial %d", trial)
          .containsExactly(Arrays.stream(expected).mapToInt(Integer::intValue).toArray());
    }
  }

  @Test
  void coalescedRangesServeEveryPieceOnce() {
    Coalescer c = new Coalescer(10, 100);
    List<Coalescer.Range> plan = c.plan(new int[] {0, 1, 0, 0, 0}, new long[] {50, 0, 0, 20, 200},
        new long[] {10, 5, 20, 25, 10});
    assertThat(plan).extracting(r -> r.file() + ":" + r.start() + "-" + r.end() + Arrays.toString(r.slots()))
        .containsExactly("0:0-60[2, 3, 0]", "0:200-210[4]", "1:0-5[1]");
  }

  /** A stream that hands out at most {@code chunk} bytes a read, as a network stream does. */
  private static InputStream trickle(byte[] b, int chunk) {
    ByteArrayInputStream in = new ByteArrayInputStream(b);
    return new InputStream() {
      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] dst, int off, int len) {
        return in.read(dst, off, Math.min(len, chunk));
      }
    };
  }

  /**
   * Pieces read with gaps skipped, small ones through the buffer and large ones straight into
   * their arrays, equal the bytes at their offsets; the reader counts bytes and says where the
   * stream ended.
   */
  @Test
  void readerDeliversPiecesAtTheirOffsetsAndStopsAtTheEnd() throws IOException {
    Random rnd = new Random(6);
    byte[] data = new byte[3 * RangeReader.MAX_BUFFER + 1234];
    rnd.nextBytes(data);
    long base = 1_000_000;
    for (int chunk : new int[] {3, 777, 1 << 20}) {
      try (RangeReader r = new RangeReader(trickle(data, chunk), base, data.length, 5)) {
        long at = base;
        while (at < base + data.length) {
          long gap = rnd.nextInt(3) == 0 ? rnd.nextInt(300) : 0;
          int len = rnd.nextInt(4) == 0 ? RangeReader.MAX_BUFFER + rnd.nextInt(1000) : rnd.nextInt(5000);
          at += gap;
          if (at + len > base + data.length) {
            break;
          }
          assertThat(r.skipTo(at)).isTrue();
          byte[] piece = new byte[len];
          assertThat(r.read(piece, 0, len)).isEqualTo(len);
          int from = (int) (at - base);
          assertThat(piece).as("chunk %d, piece at %d of %d bytes", chunk, at, len)
              .isEqualTo(Arrays.copyOfRange(data, from, from + len));
          at += len;
          assertThat(r.offset()).isEqualTo(at);
        }
        assertThat(r.nanos()).isGreaterThanOrEqualTo(5);
      }
      // reading past the end: fewer bytes, and the offset where the data ended
      try (RangeReader r = new RangeReader(trickle(data, chunk), base, data.length, 0)) {
        assertThat(r.skipTo(base + data.length - 10)).isTrue();
        byte[] tail = new byte[RangeReader.MAX_BUFFER + 10];
        assertThat(r.read(tail, 0, 30)).isEqualTo(10);
        assertThat(r.offset()).isEqualTo(base + data.length);
        assertThat(r.read(tail, 0, tail.length)).isZero();
        assertThat(r.skipTo(base + data.length + 1)).isFalse();
        assertThat(r.bytes()).isEqualTo(data.length);
      }
      try (RangeReader r = new RangeReader(trickle(data, chunk), base, data.length, 0)) {
        byte[] all = new byte[data.length + 5];
        assertThat(r.read(all, 0, all.length)).isEqualTo(data.length);
        assertThat(Arrays.copyOf(all, data.length)).isEqualTo(data);
      }
    }
  }
}
