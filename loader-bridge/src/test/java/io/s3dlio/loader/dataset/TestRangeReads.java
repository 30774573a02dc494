package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.metrics.OpSnapshot;
import io.s3dlio.store.metrics.StoreOp;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of a coalesced range read: the request plan's order, the streaming reader and the mapped one. */
class TestRangeReads {
  @TempDir
  Path dir;

  /** The packed-key sort gives the order a plain stable sort by (file, start) gives, on both of its paths. */
  @Test
  void planOrderEqualsAStableSortByFileAndStart() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 150; trial++) {
      // a few hundred pieces (a batch: comparison sort) or thousands (a group: radix sort)
      int n = rnd.nextInt(trial % 4 == 0 ? 4 * Coalescer.RADIX_MIN : 200);
      int[] file = new int[n];
      long[] start = new long[n];
      // small values or file-sized offsets (the packed path), or huge offsets (more than 63 bits of key: the fallback)
      long range = trial % 3 == 0 ? Long.MAX_VALUE / 4 : trial % 3 == 1 ? 1L << 30 : 1 + rnd.nextInt(50);
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

  /**
   * A mapped range of a local file (mapped by the {@code file://} store) delivers pieces with
   * gaps skipped at their offsets and ends where the file ends (a range that runs past the end
   * reads what the file holds); a range that starts past the end and a missing file fail as the
   * store's reads do, naming the file. Only long ranges of stores that map ({@code file://}, not
   * {@code direct://}) are mapped, and the store's metrics count each mapping as a range read.
   */
  @Test
  void mappedRangeDeliversPiecesAtTheirOffsetsAndEndsWhereTheFileEnds() throws IOException {
    Random rnd = new Random(7);
    byte[] data = new byte[2 * RangeReader.MAX_BUFFER + 4321];
    rnd.nextBytes(data);
    Path file = dir.resolve("data.bin");
    Files.write(file, data);
    ObjectUri uri = Fixtures.local(file);
    try (StoreRegistry stores = new StoreRegistry(StoreConfig.EMPTY)) {
      ObjectStore store = stores.storeFor(uri);
      assertThat(MappedRange.applies(store, MappedRange.MIN_LENGTH)).isTrue();
      assertThat(MappedRange.applies(store, MappedRange.MIN_LENGTH - 1)).isFalse();
      assertThat(MappedRange.applies(stores.storeFor(ObjectUri.local(ObjectUri.Scheme.DIRECT, file.toString())),
          1L << 30)).isFalse();
      long base = 999;
      try (MappedRange r = MappedRange.open(store, uri, base, data.length - base)) {
        long at = base;
        while (true) {
          at += rnd.nextInt(3) == 0 ? rnd.nextInt(300) : 0;
          int len = rnd.nextInt(4) == 0 ? RangeReader.MAX_BUFFER + rnd.nextInt(1000) : rnd.nextInt(5000);
          if (at + len > data.length) {
            break;
          }
          assertThat(r.skipTo(at)).isTrue();
          byte[] piece = new byte[len];
          assertThat(r.read(piece, 0, len)).isEqualTo(len);
          assertThat(piece).as("piece at %d of %d bytes", at, len)
              .isEqualTo(Arrays.copyOfRange(data, (int) at, (int) at + len));
          at += len;
          assertThat(r.offset()).isEqualTo(at);
          assertThat(r.bytes()).isEqualTo(at - base);
        }
      }
      // a range that runs past the end of the file (it shrank since it was indexed): what the file holds, then nothing
      try (MappedRange r = MappedRange.open(store, uri, data.length - 10, 1000)) {
        byte[] tail = new byte[30];
        assertThat(r.read(tail, 0, 30)).isEqualTo(10);
        assertThat(Arrays.copyOf(tail, 10)).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
        assertThat(r.offset()).isEqualTo(data.length);
        assertThat(r.read(tail, 0, 30)).isZero();
        assertThat(r.skipTo(data.length + 1)).isFalse();
      }
      assertThatThrownBy(() -> MappedRange.open(store, uri, data.length + 100, 1000)).isInstanceOf(EOFException.class)
          .hasMessageContaining("map " + uri + ": offset " + (data.length + 100) + " is at or past the end");
      OpSnapshot ranges = ((MeteredObjectStore) store).metrics().snapshot().stream()
          .filter(s -> s.op() == StoreOp.GET_RANGE).findFirst().orElseThrow();
      assertThat(ranges.count()).as("mappings counted as range reads by the store").isEqualTo(2);
      assertThat(ranges.errors()).isEqualTo(1);
      assertThat(ranges.bytes()).isEqualTo(data.length - base + 10);
      Files.delete(file);
      assertThatThrownBy(() -> MappedRange.open(store, uri, 0, data.length)).isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining(uri.toString()).hasMessageContaining("no such file");
    }
  }
}
