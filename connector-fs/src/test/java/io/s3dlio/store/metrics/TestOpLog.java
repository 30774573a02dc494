package io.s3dlio.store.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The operation log's queue: what happens when it is full, and what closing and reopening do. */
class TestOpLog {

  private static OpLog.Entry entry(int i) {
    // a random file name per entry, so that compression cannot shrink the stream to nothing
    return new OpLog.Entry(StoreOp.GET, OpLog.threadId(), 1, i, "http://127.0.0.1:1",
        "s3://bucket/" + UUID.randomUUID() + "/" + i, null, System.nanoTime(), -1, System.nanoTime());
  }

  /**
   * The log writes into a FIFO that nobody reads: the writer thread blocks once the pipe is full,
   * so the queue fills and further records are dropped at once and counted; once the FIFO is read,
   * closing flushes everything queued, and lines + drops = records offered.
   */
  @Test
  void fullQueueDropsAndCountsWithoutBlockingTheCaller() throws Exception {
    Path fifo = fifo();
    CountDownLatch startReading = new CountDownLatch(1);
    CompletableFuture<byte[]> reader = reader(fifo, startReading);
    OpLog log = OpLog.acquire(new OpLog.Settings(fifo, 1, 16, 0));
    int n = 30_000;
    for (int i = 0; i < n; i++) {
      log.offer(entry(i));
    }
    long dropped = log.dropped();
    // the pipe (64 KiB) and the buffers (2 x 64 KiB) hold a few thousand compressed lines at most
    assertThat(dropped).isGreaterThan(n / 2);
    startReading.countDown();
    log.release();
    List<String> lines = lines(zstd(reader.get(60, TimeUnit.SECONDS)));
    assertThat(lines.get(0)).isEqualTo(OpLog.HEADER);
    assertThat(lines.size() - 1 + log.dropped()).isEqualTo(n);
    assertThat(log.dropped()).isEqualTo(dropped);
  }

  /** Lossless: the caller waits for room (up to the bound) instead of dropping; nothing is lost. */
  @Test
  void losslessWaitsForRoomAndLosesNothing() throws Exception {
    Path file = Files.createTempDirectory("oplog").resolve("lossless.tsv.zst");
    OpLog log = OpLog.acquire(new OpLog.Settings(file, 3, 2, TimeUnit.SECONDS.toNanos(10)));
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      log.offer(entry(i));
    }
    log.release();
    assertThat(log.dropped()).isZero();
    List<OpLogFile.Line> lines = OpLogFile.read(file);
    assertThat(lines).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(lines.get(i).bytes()).isEqualTo(i);
    }
  }

  /** Lossless with a writer that cannot go on: each record waits at most the bound, then is dropped. */
  @Test
  void losslessWaitIsBounded() throws Exception {
    Path fifo = fifo();
    CountDownLatch startReading = new CountDownLatch(1);
    CompletableFuture<byte[]> reader = reader(fifo, startReading);
    OpLog log = OpLog.acquire(new OpLog.Settings(fifo, 1, 4, TimeUnit.MILLISECONDS.toNanos(1)));
    // offer until the pipe and the buffers are full and a record was dropped, then 100 more, which
    // wait 1 ms each at most (how many records the buffers hold depends on zstd, not on us)
    int n = 0;
    while (log.dropped() == 0 && n < 1_000_000) {
      log.offer(entry(n++));
    }
    assertThat(log.dropped()).isPositive();
    for (int i = 0; i < 100; i++) {
      log.offer(entry(n++));
    }
    startReading.countDown();
    log.release();
    List<String> lines = lines(zstd(reader.get(60, TimeUnit.SECONDS)));
    assertThat(lines.size() - 1 + log.dropped()).isEqualTo(n);
  }

  /** Two users share one file; the last release closes it; reopening continues it (idx, one header). */
  @Test
  void sharedReferenceCountedAndContinuedAfterReopen() throws Exception {
    Path file = Files.createTempDirectory("oplog").resolve("shared.tsv.zst");
    OpLog.Settings s = new OpLog.Settings(file, 1, 64, 0);
    OpLog one = OpLog.acquire(s);
    OpLog two = OpLog.acquire(s);
    assertThat(two).isSameAs(one);
    one.offer(entry(0));
    one.release();
    two.offer(entry(1));
    two.release();
    OpLog again = OpLog.acquire(s);
    assertThat(again).isNotSameAs(one);
    again.offer(entry(2));
    again.release();
    again.offer(entry(3)); // after close: dropped, counted
    assertThat(again.dropped()).isEqualTo(1);
    List<OpLogFile.Line> lines = OpLogFile.read(file);
    assertThat(lines).extracting(OpLogFile.Line::bytes).containsExactly(0L, 1L, 2L);
  }

  @Test
  void timesAreGoRfc3339Nano() {
    StringBuilder sb = new StringBuilder();
    OpLog.appendRfc3339Nano(1_700_000_000_123_400_000L, sb);
    sb.append(' ');
    OpLog.appendRfc3339Nano(1_700_000_000_000_000_000L, sb);
    sb.append(' ');
    OpLog.appendRfc3339Nano(1_700_000_000_000_000_007L, sb);
    for (long nanos : new long[] {100_000_000, 10_000_000, 999_999_999, 120_000_001, 1_000}) {
      sb.append(' ');
      OpLog.appendRfc3339Nano(1_700_000_000_000_000_000L + nanos, sb);
    }
    assertThat(sb).hasToString("2023-11-14T22:13:20.1234Z 2023-11-14T22:13:20Z 2023-11-14T22:13:20.000000007Z"
        + " 2023-11-14T22:13:20.1Z 2023-11-14T22:13:20.01Z 2023-11-14T22:13:20.999999999Z"
        + " 2023-11-14T22:13:20.120000001Z 2023-11-14T22:13:20.000001Z");
  }

  /**
   * The writer flushes at most once a second rather than each time its queue runs empty (a zstd
   * flush and a write per record cost more than a fast GET), but a line still reaches the file
   * while the log stays open: a reader of the live file (zstd's continuous mode reads the blocks of
   * an unfinished frame) sees it without a close.
   */
  @Test
  void openLogFlushesItsLinesWithoutAClose() throws Exception {
    Path file = Files.createTempDirectory("oplog").resolve("live.tsv.zst");
    OpLog log = OpLog.acquire(new OpLog.Settings(file, 1, 64, 0));
    try {
      log.offer(entry(7));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<String> lines = List.of();
      while (lines.size() < 2 && System.nanoTime() - deadline < 0) {
        Thread.sleep(20); // polling the file's state, bounded by the deadline
        lines = lines(liveZstd(file));
      }
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).isEqualTo(OpLog.HEADER);
      assertThat(lines.get(1).split("\t")[5]).isEqualTo("7");
    } finally {
      log.release();
    }
    assertThat(OpLogFile.read(file)).extracting(OpLogFile.Line::bytes).containsExactly(7L);
  }

  @Test
  void redactionCutsQueriesSignaturesAndKeys() {
    String msg = "GET https://acct.blob.core.windows.net/c/k?sv=2021&sig=SECRETSIG%3D failed; "
        + "AccountKey=S3CR3TKEY==;x-amz-signature=abcdef\tnext line\n\"quoted";
    String r = Redaction.text(msg);
    assertThat(r).doesNotContain("SECRETSIG").doesNotContain("S3CR3TKEY").doesNotContain("abcdef")
        .doesNotContain("\t").doesNotContain("\n")
        .contains("https://acct.blob.core.windows.net/c/k?<redacted>");
    assertThat(Redaction.endpoint("https://user:pw@host.example:9000/path?x=1")).isEqualTo("https://host.example:9000");
    assertThat(Redaction.text("\"starts with a quote")).startsWith("'");
  }

  /** Opens the FIFO for reading at once (so the log can open it), reads only once {@code start} opens. */
  private static CompletableFuture<byte[]> reader(Path fifo, CountDownLatch start) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = Files.newInputStream(fifo)) {
        start.await();
        return in.readAllBytes();
      } catch (IOException | InterruptedException e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static Path fifo() throws IOException, InterruptedException {
    Path fifo = Files.createTempDirectory("oplog").resolve("pipe");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    return fifo;
  }

  private static String zstd(byte[] compressed) throws IOException {
    try (InputStream in = new ZstdInputStream(new java.io.ByteArrayInputStream(compressed))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** What an open log's file holds so far (the blocks flushed of its unfinished zstd frame). */
  private static String liveZstd(Path file) throws IOException {
    if (Files.size(file) == 0) {
      return "";
    }
    try (ZstdInputStream in = new ZstdInputStream(Files.newInputStream(file)).setContinuous(true)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }
}
