package io.s3dlio.fs.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code readVectored} of {@link ObjectInputStream} over in-memory and local sources: merge rules,
 * the concurrency limit, ranges completed as their own bytes arrive, buffers released on failure,
 * direct buffers, validation, closed streams.
 */
class TestVectoredRead {
  private static final int LEN = 4 << 20;
  private static final byte[] DATA = new byte[LEN];
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  static {
    new Random(5).nextBytes(DATA);
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private ObjectInputStream stream(RangeSource src, int minSeek, int maxMerged, int concurrency) {
    return new ObjectInputStream("mem://obj", src, LEN, new ObjectInputStream.Options(ReadPolicy.VECTOR, 64 << 10,
        minSeek, maxMerged, 0, concurrency, 0, 8 << 20), pool, null);
  }

  private static List<FileRange> ranges(long... offsetLength) {
    List<FileRange> out = new ArrayList<>();
    for (int i = 0; i < offsetLength.length; i += 2) {
      out.add(FileRange.createFileRange(offsetLength[i], (int) offsetLength[i + 1]));
    }
    return out;
  }

  private static ByteBuffer await(FileRange r) throws Exception {
    return r.getData().get(30, TimeUnit.SECONDS);
  }

  private static void check(FileRange r) throws Exception {
    ByteBuffer b = await(r);
    byte[] got = new byte[b.remaining()];
    b.get(got);
    assertThat(got).as("range " + r).isEqualTo(Arrays.copyOfRange(DATA, (int) r.getOffset(),
        (int) r.getOffset() + r.getLength()));
  }

  /** An allocator that remembers what it handed out, and a release that remembers what came back. */
  private static final class Buffers {
    final Set<ByteBuffer> allocated = Collections.newSetFromMap(new IdentityHashMap<>());
    final Set<ByteBuffer> released = Collections.newSetFromMap(new IdentityHashMap<>());
    final IntFunction<ByteBuffer> allocate;

    Buffers(boolean direct) {
      allocate = n -> {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        synchronized (this) {
          allocated.add(b);
        }
        return b;
      };
    }

    synchronized void release(ByteBuffer b) {
      released.add(b);
    }
  }

  @Test
  void rangesCloserThanMinSeekShareAGetUpToMaxMerged() throws Exception {
    MemorySource src = new MemorySource(DATA);
    List<FileRange> rs = ranges(0, 1000, 1500, 1000, 10_000, 1000, 200_000, 100, 200_200, 100);
    try (ObjectInputStream in = stream(src, 1024, 1 << 20, 4)) {
      in.readVectored(rs, ByteBuffer::allocate);
      for (FileRange r : rs) {
        check(r);
      }
      assertThat(in.getIOStatistics().counters().get(StreamStatisticNames.STREAM_READ_VECTORED_COMBINED_RANGES))
          .isEqualTo(3);
      assertThat(in.getIOStatistics().counters().get(StreamStatisticNames.STREAM_READ_VECTORED_READ_BYTES_DISCARDED))
          .as("the gaps read and dropped").isEqualTo(500 + 100);
    }
    assertThat(src.opens).containsExactlyInAnyOrder("0+2500", "10000+1000", "200000+300");

    MemorySource small = new MemorySource(DATA);
    try (ObjectInputStream in = stream(small, 1024, 2000, 4)) {
      List<FileRange> rs2 = ranges(0, 1000, 1500, 1000);
      in.readVectored(rs2, ByteBuffer::allocate);
      for (FileRange r : rs2) {
        check(r);
      }
    }
    assertThat(small.opens).as("2500 bytes merged would exceed max-merged 2000")
        .containsExactlyInAnyOrder("0+1000", "1500+1000");
  }

  @Test
  void aRangeCompletesAsSoonAsItsOwnBytesAreIn() throws Exception {
    // one merged GET of [0, 3000): it stops at 2100 (inside the second range) until released
    MemorySource src = new MemorySource(DATA).holdAt(2100);
    List<FileRange> rs = ranges(0, 1000, 2000, 1000);
    try (ObjectInputStream in = stream(src, 4096, 1 << 20, 4)) {
      in.readVectored(rs, ByteBuffer::allocate);
      check(rs.get(0));
      assertThat(rs.get(1).getData()).as("second range, still arriving").isNotDone();
      src.letGo();
      check(rs.get(1));
    }
    assertThat(src.opens).containsExactly("0+3000");
  }

  @Test
  void aFailedRangeReleasesItsBufferAndFailsTheRestOfItsGetOnly() throws Exception {
    // merged GET [0, 3000) fails at 2500 (inside its second range); [500000, +1000) is another GET
    MemorySource src = new MemorySource(DATA).failAt(2500, new IOException("connection reset at 2500"));
    Buffers buffers = new Buffers(false);
    List<FileRange> rs = ranges(0, 1000, 2000, 1000, 500_000, 1000);
    try (ObjectInputStream in = stream(src, 4096, 1 << 20, 4)) {
      in.readVectored(rs, buffers.allocate, buffers::release);
      check(rs.get(0));
      check(rs.get(2));
      assertThatThrownBy(() -> await(rs.get(1)))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(IOException.class)
          .hasMessageContaining("connection reset at 2500");
    }
    ByteBuffer first = rs.get(0).getData().join();
    assertThat(buffers.released).as("released: the failed range's buffer only").hasSize(1)
        .doesNotContain(first);
    assertThat(buffers.allocated).hasSize(3).containsAll(buffers.released);

    // a failure inside the first range of a merged GET fails every range of that GET
    MemorySource early = new MemorySource(DATA).failAt(500, new IOException("reset at 500"));
    Buffers b2 = new Buffers(false);
    List<FileRange> rs2 = ranges(0, 1000, 2000, 1000);
    try (ObjectInputStream in = stream(early, 4096, 1 << 20, 4)) {
      in.readVectored(rs2, b2.allocate, b2::release);
      for (FileRange r : rs2) {
        assertThatThrownBy(() -> await(r)).hasMessageContaining("reset at 500");
      }
    }
    assertThat(b2.released).isEqualTo(b2.allocated).hasSize(1);
  }

  @Test
  void anAllocatorThatFailsFailsItsRange() throws Exception {
    MemorySource src = new MemorySource(DATA);
    List<FileRange> rs = ranges(0, 1000, 100_000, 1000);
    try (ObjectInputStream in = stream(src, 1024, 1 << 20, 4)) {
      in.readVectored(rs, n -> {
        if (n > 0) {
          throw new OutOfMemoryError("no buffer for " + n);
        }
        return ByteBuffer.allocate(n);
      });
      for (FileRange r : rs) {
        assertThatThrownBy(() -> await(r)).hasMessageContaining("mem://obj").hasMessageContaining("no buffer");
      }
    }
  }

  @Test
  void atMostConcurrencyGetsAtOnce() throws Exception {
    MemorySource src = new MemorySource(DATA);
    List<FileRange> rs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rs.add(FileRange.createFileRange(i * 300_000L, 50_000));
    }
    CountingSource counting = new CountingSource(src);
    try (ObjectInputStream in = stream(counting, 1024, 1 << 20, 3)) {
      in.readVectored(rs, ByteBuffer::allocate);
      for (FileRange r : rs) {
        check(r);
      }
    }
    assertThat(src.opens).hasSize(12);
    assertThat(counting.peak).as("GETs at once with concurrency 3").isBetween(1, 3);
  }

  /** Counts concurrent {@code open}s, each held briefly so that overlaps show. */
  private static final class CountingSource implements RangeSource {
    private final MemorySource inner;
    private int now;
    int peak;

    CountingSource(MemorySource inner) {
      this.inner = inner;
    }

    @Override
    public java.io.InputStream open(long offset, long length) throws IOException {
      synchronized (this) {
        peak = Math.max(peak, ++now);
      }
      try {
        Thread.sleep(20);
        return inner.open(offset, length);
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      } finally {
        synchronized (this) {
          now--;
        }
      }
    }

    @Override
    public int readAt(long position, byte[] buf, int off, int len) throws IOException {
      return inner.readAt(position, buf, off, len);
    }
  }

  @Test
  void directBuffersFromAStreamAndFromALocalFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("data.bin");
    Files.write(f, DATA);
    for (RangeSource src : List.of(new MemorySource(DATA), new LocalFileRangeSource(f.toString(), ReadPolicy.VECTOR))) {
      Buffers buffers = new Buffers(true);
      // 200,000 bytes: more than the 64 KiB carried at a time into a direct buffer
      List<FileRange> rs = ranges(10, 200_000, 200_100, 5, 3_000_000, 70_000, LEN - 1, 1);
      try (ObjectInputStream in = stream(src, 1024, 1 << 20, 2)) {
        in.readVectored(rs, buffers.allocate, buffers::release);
        for (FileRange r : rs) {
          assertThat(await(r).isDirect()).isTrue();
          check(r);
        }
      }
      assertThat(buffers.released).isEmpty();
    }
  }

  @Test
  void aLocalFileReadsEachRangeWithItsOwnPread() throws Exception {
    MemorySource positional = new MemorySource(DATA).positional(true);
    List<FileRange> rs = ranges(0, 1000, 1500, 1000, 10_000, 1000);
    try (ObjectInputStream in = stream(positional, 4096, 1 << 20, 4)) {
      in.readVectored(rs, ByteBuffer::allocate);
      for (FileRange r : rs) {
        check(r);
      }
    }
    assertThat(positional.opens).as("no bytes read for gaps").containsExactlyInAnyOrder("0+1000", "1500+1000",
        "10000+1000");
  }

  @Test
  void overlapsAndRangesPastTheEndAreRejectedBeforeAnyRead() throws Exception {
    MemorySource src = new MemorySource(DATA);
    try (ObjectInputStream in = stream(src, 1024, 1 << 20, 4)) {
      assertThatThrownBy(() -> in.readVectored(ranges(0, 1000, 999, 10), ByteBuffer::allocate))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Overlapping ranges");
      assertThatThrownBy(() -> in.readVectored(ranges(LEN - 10, 11), ByteBuffer::allocate))
          .isInstanceOf(EOFException.class).hasMessageContaining("beyond the file length (" + LEN + ")");
    }
    assertThat(src.opens).isEmpty();
  }

  @Test
  void rangesStillQueuedWhenTheStreamClosesFailAsClosed() throws Exception {
    MemorySource src = new MemorySource(DATA).holdAt(10);
    List<FileRange> rs = ranges(0, 1000, 1_000_000, 10, 2_000_000, 10, 3_000_000, 10);
    ObjectInputStream in = stream(src, 1024, 1 << 20, 1);
    in.readVectored(rs, ByteBuffer::allocate);
    in.close();
    src.letGo();
    Map<Boolean, Integer> outcome = new java.util.HashMap<>();
    for (FileRange r : rs) {
      CompletableFuture<ByteBuffer> f = r.getData();
      try {
        f.get(30, TimeUnit.SECONDS);
        outcome.merge(true, 1, Integer::sum);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).hasMessageContaining("mem://obj").hasMessageContaining("Stream is closed");
        outcome.merge(false, 1, Integer::sum);
      }
    }
    assertThat(outcome.get(false)).as("ranges queued behind the held GET").isGreaterThanOrEqualTo(3);
  }
}
