package io.s3dlio.fs.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.PathIOException;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ReadAhead}: parts, depth, seeks inside and outside the window, end of data, errors, close. */
class TestReadAhead {
  private static final int MIB = 1 << 20;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final IOStatisticsStore stats = IOStatisticsBinding.iostatisticsStore().build();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private ReadAhead ahead(MemorySource src, long start, long end, ReadAhead.Sizing s) {
    return new ReadAhead("mem://obj", src, pool, stats, start, end, s);
  }

  /** Waits (untimed assertion: at most 30 s) until {@code n} streams of {@code src} are open. */
  private static void awaitOpens(MemorySource src, int n) throws InterruptedException {
    for (int i = 0; i < 3000 && src.opens.size() < n; i++) {
      Thread.sleep(10);
    }
    assertThat(src.opens).hasSizeGreaterThanOrEqualTo(n);
  }

  @Test
  void readsEveryByteInOrderWithDoublingParts() throws IOException {
    byte[] data = random(10 * MIB + 17);
    MemorySource src = new MemorySource(data);
    try (ReadAhead in = ahead(src, 0, data.length, new ReadAhead.Sizing(3, MIB, 4 * MIB, false))) {
      byte[] got = new byte[data.length];
      int at = 0;
      for (int n; (n = in.read(got, at, Math.min(100_003, got.length - at))) > 0; ) {
        at += n;
      }
      assertThat(at).isEqualTo(data.length);
      assertThat(got).isEqualTo(data);
      assertThat(in.read(new byte[1], 0, 1)).isEqualTo(-1);
    }
    assertThat(src.opens).containsExactlyInAnyOrder(0 + "+" + MIB, MIB + "+" + 2 * MIB, 3 * MIB + "+" + 4 * MIB,
        7 * MIB + "+" + (3 * MIB + 17));
  }

  @Test
  void aWindowThatStartsAndEndsInsideTheObject() throws IOException {
    byte[] data = random(5 * MIB);
    MemorySource src = new MemorySource(data);
    try (ReadAhead in = ahead(src, 1234, 3 * MIB + 5, new ReadAhead.Sizing(2, MIB, 8 * MIB, false))) {
      byte[] got = in.readAllBytes();
      assertThat(got).isEqualTo(Arrays.copyOfRange(data, 1234, 3 * MIB + 5));
    }
    assertThat(src.opens).containsExactlyInAnyOrder(1234 + "+" + MIB, (MIB + 1234) + "+" + (2 * MIB - 1229));
  }

  @Test
  void depthBoundsThePartsAheadAndRampStartsWithOne() throws Exception {
    byte[] data = random(8 * MIB);
    MemorySource held = new MemorySource(data).holdAt(10);
    try (ReadAhead in = ahead(held, 0, data.length, new ReadAhead.Sizing(3, MIB, MIB, false))) {
      byte[] b = new byte[10];
      assertThat(in.read(b, 0, 10)).isEqualTo(10);
      awaitOpens(held, 3);
      assertThat(in.partsAhead()).isEqualTo(3);
      held.letGo();
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 10, data.length));
    }
    assertThat(held.peakOpen.get()).isLessThanOrEqualTo(3);

    MemorySource ramp = new MemorySource(data);
    try (ReadAhead in = ahead(ramp, 0, data.length, new ReadAhead.Sizing(3, MIB, MIB, true))) {
      byte[] b = new byte[MIB];
      in.readNBytes(b, 0, MIB - 1);
      assertThat(in.partsAhead()).as("adaptive: one part until it is read").isEqualTo(1);
      in.readNBytes(b, 0, 2);
      assertThat(in.partsAhead()).isEqualTo(2);
      in.readNBytes(b, 0, MIB);
      assertThat(in.partsAhead()).isEqualTo(3);
    }
  }

  @Test
  void moveToStaysInsideTheWindowAndNeverGoesBack() throws IOException {
    byte[] data = random(16 * MIB);
    MemorySource src = new MemorySource(data);
    try (ReadAhead in = ahead(src, 0, 12 * MIB, new ReadAhead.Sizing(2, MIB, 2 * MIB, false))) {
      byte[] b = new byte[100];
      in.read(b, 0, 100);
      // window: [0, 1M) and [1M, 3M) scheduled
      assertThat(in.moveTo(50)).as("backward").isFalse();
      assertThat(in.moveTo(3 * MIB + 1)).as("past the scheduled window").isFalse();
      assertThat(in.moveTo(12 * MIB)).as("at the end").isFalse();
      assertThat(in.position()).isEqualTo(100);
      assertThat(in.moveTo(2 * MIB + 7)).isTrue();
      assertThat(in.position()).isEqualTo(2 * MIB + 7);
      assertThat(in.readNBytes(b, 0, 100)).isEqualTo(100);
      assertThat(b).isEqualTo(Arrays.copyOfRange(data, 2 * MIB + 7, 2 * MIB + 107));
      assertThat(in.moveTo(3 * MIB)).as("the end of what is scheduled").isTrue();
      byte[] rest = in.readAllBytes();
      assertThat(rest).isEqualTo(Arrays.copyOfRange(data, 3 * MIB, 12 * MIB));
    }
  }

  @Test
  void aPartThatEndsEarlyFailsWithEofNamingPathAndOffset() throws IOException {
    byte[] data = random(3 * MIB);
    MemorySource src = new MemorySource(data);
    // the window claims 4 MiB of a 3 MiB object (an object replaced by a shorter one)
    try (ReadAhead in = ahead(src, 0, 4 * MIB, new ReadAhead.Sizing(2, MIB, 4 * MIB, false))) {
      byte[] got = new byte[3 * MIB];
      assertThat(in.readNBytes(got, 0, got.length)).isEqualTo(3 * MIB);
      assertThat(got).isEqualTo(data);
      assertThatThrownBy(() -> in.read(new byte[10], 0, 10))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("mem://obj")
          .hasMessageContaining("at " + 3 * MIB);
    }
  }

  @Test
  void anErrorReachesTheReaderWithItsTypeAfterTheGoodBytes() throws IOException {
    byte[] data = random(4 * MIB);
    MemorySource src = new MemorySource(data)
        .failAt(MIB + 500, new PathIOException("mem://obj", "changed: ETag was a, is now b"));
    try (ReadAhead in = ahead(src, 0, data.length, new ReadAhead.Sizing(4, MIB, MIB, false))) {
      byte[] got = new byte[MIB + 500];
      assertThat(in.readNBytes(got, 0, got.length)).isEqualTo(got.length);
      assertThat(got).isEqualTo(Arrays.copyOf(data, got.length));
      assertThatThrownBy(() -> in.read(new byte[10], 0, 10))
          .isInstanceOf(PathIOException.class)
          .hasMessageContaining("mem://obj").hasMessageContaining("ETag was a");
    }
  }

  @Test
  void closeCancelsPartsAndClosesTheirStreams() throws Exception {
    byte[] data = random(8 * MIB);
    MemorySource src = new MemorySource(data).holdAt(MIB + 10);
    ReadAhead in = ahead(src, 0, data.length, new ReadAhead.Sizing(4, MIB, MIB, false));
    in.read(new byte[10], 0, 10);
    awaitOpens(src, 2);
    in.close();
    assertThatThrownBy(() -> in.read(new byte[10], 0, 10))
        .isInstanceOf(IOException.class).hasMessageContaining("mem://obj").hasMessageContaining("closed");
    src.letGo();
    for (int i = 0; i < 3000 && src.openStreams.get() > 0; i++) {
      Thread.sleep(10);
    }
    assertThat(src.openStreams.get()).as("streams left open after close").isZero();
    assertThat(src.opens.size()).isLessThanOrEqualTo(4);
  }

  @Test
  void sizingIsChecked() {
    assertThatThrownBy(() -> new ReadAhead.Sizing(0, MIB, MIB, false)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("depth 0");
    assertThatThrownBy(() -> new ReadAhead.Sizing(2, 2 * MIB, MIB, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
