package io.s3dlio.fs;

import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_LENGTH;
import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY;
import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_SPLIT_END;
import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_SPLIT_START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;
import org.apache.hadoop.util.functional.FutureIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The s3:// FileSystem's own read and write behaviour, checked on the wire: a {@link FaultProxy}
 * between the FileSystem and S3Proxy records every request line and its {@code Range} header.
 */
class TestS3dlioFileSystemOnTheWire {
  private static final String BUCKET = "fs-wire";
  private static final int LEN = 4 << 20;
  private static final int KIB64 = 64 << 10;
  private static final Pattern RANGE = Pattern.compile("(?im)^range:\\s*bytes=(\\d+)-(\\d*)\\s*$");
  private static S3ProxyServer server;
  private static byte[] data;
  private static Path file;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void writeObject() throws IOException {
    server = S3ProxyServer.get();
    server.createBucket(BUCKET);
    data = new byte[LEN];
    new Random(11).nextBytes(data);
    file = new Path("s3://" + BUCKET + "/wire/" + UUID.randomUUID() + "/data.bin");
    try (FileSystem fs = FileSystem.newInstance(file.toUri(), conf(server.endpoint().toString()));
        FSDataOutputStream out = fs.create(file, true)) {
      out.write(data);
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private static Configuration conf(String endpoint) {
    Configuration c = new Configuration(false);
    c.setClass("fs.s3.impl", S3dlioFileSystem.S3.class, FileSystem.class);
    c.setBoolean("fs.s3.impl.disable.cache", true);
    for (Map.Entry<String, String> e : server.storeConfig().withPrefix("s3.").entrySet()) {
      c.set(FsConstants.PREFIX + e.getKey(), e.getValue());
    }
    c.set(FsConstants.PREFIX + "s3.endpoint", endpoint);
    return c;
  }

  private FaultProxy proxy() {
    FaultProxy p = FaultProxy.start(server.endpoint());
    toClose.add(p);
    return p;
  }

  /** A FileSystem whose requests go through {@code p}; extra settings as key, value pairs. */
  /** A FileSystem through the proxy; read-ahead on (depth 4) unless {@code kv} sets it (the default is off: {@link #fsWithDefaults}). */
  private FileSystem fs(FaultProxy p, String... kv) throws IOException {
    Configuration c = conf(p.endpoint().toString());
    c.set(FsConstants.PREFETCH_DEPTH, "4");
    for (int i = 0; i < kv.length; i += 2) {
      c.set(kv[i], kv[i + 1]);
    }
    FileSystem fs = FileSystem.newInstance(URI.create("s3://" + BUCKET), c);
    toClose.add(fs);
    return fs;
  }

  private FileSystem fsWithDefaults(FaultProxy p) throws IOException {
    FileSystem fs = FileSystem.newInstance(URI.create("s3://" + BUCKET), conf(p.endpoint().toString()));
    toClose.add(fs);
    return fs;
  }

  /** The ranges of every GET seen, as "first-last". */
  private static List<String> gets(FaultProxy p) {
    List<String> out = new ArrayList<>();
    for (String h : p.requestHeads()) {
      if (h.startsWith("GET ")) {
        Matcher m = RANGE.matcher(h);
        out.add(m.find() ? m.group(1) + "-" + m.group(2) : "whole");
      }
    }
    return out;
  }

  private static long count(FaultProxy p, String method) {
    return p.requestHeads().stream().filter(h -> h.startsWith(method + " ")).count();
  }

  private static FSDataInputStream openFile(FileSystem fs, Path path, String policy) throws Exception {
    return FutureIO.awaitFuture(fs.openFile(path).opt(FS_OPTION_OPENFILE_READ_POLICY, policy)
        .opt(FS_OPTION_OPENFILE_LENGTH, LEN).build());
  }

  private static String range(long first, long lastInclusive) {
    return first + "-" + lastInclusive;
  }

  private static void assertBytes(byte[] got, long offset) {
    assertThat(got).isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) offset + got.length));
  }

  // ---- GET sizes follow the read policy ----

  /** The read-ahead parts of bytes [start, end): 1 MiB, then doubling up to 8 MiB. */
  private static List<String> parts(long start, long end) {
    List<String> out = new ArrayList<>();
    long size = 1 << 20;
    for (long at = start; at < end; at += size, size = Math.min(8 << 20, 2 * size)) {
      out.add(range(at, Math.min(end, at + size) - 1));
    }
    return out;
  }

  @Test
  void sequentialPolicyReadsAheadInDoublingParts() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    try (FSDataInputStream in = openFile(fs, file, "sequential")) {
      byte[] b = new byte[100_000];
      for (int i = 0; i < 5; i++) {
        in.readFully(b);
        assertBytes(b, (long) i * b.length);
      }
      in.seek(2_500_000); // forward, inside the read-ahead window: no new GET
      in.readFully(b, 0, 10);
      assertBytes(Arrays.copyOf(b, 10), 2_500_000);
      in.seek(LEN - 100_000);
      in.readFully(b);
      assertBytes(b, LEN - 100_000);
      assertThat(counter(in.getIOStatistics(), StreamStatisticNames.STREAM_READ_PREFETCH_OPERATIONS)).isEqualTo(3);
      assertThat(counter(in.getIOStatistics(), StreamStatisticNames.STREAM_READ_OPENED)).isEqualTo(3);
    }
    assertThat(gets(p)).containsExactlyInAnyOrderElementsOf(parts(0, LEN))
        .containsExactlyInAnyOrder(range(0, (1 << 20) - 1), range(1 << 20, (3 << 20) - 1), range(3 << 20, LEN - 1));
  }

  @Test
  void readAheadIsOffByDefaultAndReadsWithOneGetToTheEnd() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fsWithDefaults(p);
    try (FSDataInputStream in = openFile(fs, file, "sequential")) {
      byte[] b = new byte[100_000];
      for (int i = 0; i < 5; i++) {
        in.readFully(b);
        assertBytes(b, (long) i * b.length);
      }
      in.seek(530_000); // forward, within the readahead (64k): skipped inside the open GET
      in.readFully(b, 0, 10);
      assertBytes(Arrays.copyOf(b, 10), 530_000);
    }
    assertThat(gets(p)).containsExactly(range(0, LEN - 1));
  }

  /**
   * Spark cancels a task in the middle of its commit (a rename of its attempt folder) and the
   * driver's abort then deletes {@code _temporary}: a copy still running after the interrupted
   * rename returned would put a file back there. The rename returns only once no copy is in flight.
   */
  @Test
  void anInterruptedRenameLeavesNoCopyInFlight() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p, FsConstants.THREADS, "2");
    Path src = new Path("s3://" + BUCKET + "/rename-interrupted-" + UUID.randomUUID());
    Path dst = new Path(src.getParent(), src.getName() + "-moved");
    for (int i = 0; i < 8; i++) {
      try (FSDataOutputStream out = fs.create(new Path(src, "f" + i))) {
        out.write(i);
      }
    }
    p.latency(Duration.ofMillis(400));
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    Thread renamer = new Thread(() -> {
      try {
        fs.rename(src, dst);
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    renamer.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (p.requestHeads().stream().noneMatch(h -> h.toLowerCase(Locale.ROOT).contains("x-amz-copy-source"))) {
      assertThat(System.nanoTime()).as("a copy was sent").isLessThan(deadline);
      Thread.sleep(5);
    }
    renamer.interrupt();
    renamer.join();
    assertThat(thrown.get()).isInstanceOf(java.io.InterruptedIOException.class);
    long copiesWhenReturned = copies(p);
    Thread.sleep(1500);   // more than three latencies: a copy left running would have been sent by now
    assertThat(copies(p)).as("copies sent after the rename returned").isEqualTo(copiesWhenReturned);
    assertThat(copiesWhenReturned).as("copies not started were skipped").isLessThan(8);
  }

  private static long copies(FaultProxy p) {
    return p.requestHeads().stream().filter(h -> h.toLowerCase(Locale.ROOT).contains("x-amz-copy-source")).count();
  }

  @Test
  void readAheadKeepsAtMostDepthGetsInFlightAndReadsEveryByteOnce() throws Exception {
    FaultProxy p = proxy();
    p.latency(Duration.ofMillis(100));
    FileSystem fs = fs(p, FsConstants.PREFETCH_DEPTH, "2", FsConstants.PREFETCH_PART_SIZE, "1m");
    try (FSDataInputStream in = openFile(fs, file, "whole-file")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(gets(p)).containsExactlyInAnyOrderElementsOf(List.of(range(0, (1 << 20) - 1),
        range(1 << 20, (2 << 20) - 1), range(2 << 20, (3 << 20) - 1), range(3 << 20, LEN - 1)));
    assertThat(p.peakInFlight()).as("GETs in flight with prefetch.depth=2").isBetween(1, 2);
  }
  @Test
  void randomPolicyGetsReadaheadOrTheRequestedLengthWhicheverIsLarger() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    try (FSDataInputStream in = openFile(fs, file, "random")) {
      byte[] small = new byte[1000];
      in.seek(500_000);
      in.readFully(small);
      assertBytes(small, 500_000);
      byte[] large = new byte[200_000];
      in.seek(2_000_000);
      in.readFully(large);
      assertBytes(large, 2_000_000);
    }
    assertThat(gets(p)).containsExactly(range(500_000, 500_000 + KIB64 - 1), range(2_000_000, 2_200_000 - 1));
  }

  @Test
  void adaptivePolicySwitchesToRandomAfterABackwardSeek() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    byte[] b = new byte[10];
    try (FSDataInputStream in = fs.open(file)) { // open() uses the default policy: adaptive
      in.readFully(b);
      in.seek(1_000_000); // forward, inside the first read-ahead part (adaptive: one part until it is read)
      in.readFully(b);
      assertBytes(b, 1_000_000);
      in.seek(100); // backward: random from now on
      in.readFully(b);
      assertBytes(b, 100);
      in.seek(3_000_000);
      in.readFully(b);
      assertThat(counter(in.getIOStatistics(), StreamStatisticNames.STREAM_READ_SEEK_POLICY_CHANGED)).isEqualTo(1);
    }
    assertThat(gets(p)).containsExactly(range(0, (1 << 20) - 1), range(100, 100 + KIB64 - 1),
        range(3_000_000, 3_000_000 + KIB64 - 1));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "sequential; ahead", "whole-file; ahead", "adaptive; ramp", "default; ramp", "avro; ahead",
      "random; short", "vector; short", "parquet; short", "orc; short",
      "no-such-policy, random; short", "no-such-policy; ramp"})
  void openFileReadPolicyValues(String policy, String expected) throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    try (FSDataInputStream in = openFile(fs, file, policy)) {
      in.readFully(new byte[10]);
    }
    switch (expected) {
      case "short" -> assertThat(gets(p)).containsExactly(range(0, KIB64 - 1));
      // adaptive: one read-ahead part until it has been read
      case "ramp" -> assertThat(gets(p)).containsExactly(range(0, (1 << 20) - 1));
      // sequential: every part of the window scheduled at once (those not yet started are dropped at close)
      default -> assertThat(gets(p)).contains(range(0, (1 << 20) - 1)).isSubsetOf(parts(0, LEN));
    }
  }

  @Test
  void defaultPolicyAndReadaheadAreConfigurable() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p, FsConstants.READ_POLICY, "random", FsConstants.READAHEAD, "128k");
    try (FSDataInputStream in = fs.open(file)) {
      in.readFully(new byte[10]);
    }
    assertThat(gets(p)).containsExactly(range(0, (128 << 10) - 1));
  }

  // ---- openFile() hints ----

  @Test
  void openFileWithALengthOrAStatusDoesNoHead() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    FileStatus st = fs.getFileStatus(file);
    p.reset();
    try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(file).withFileStatus(st).build())) {
      in.readFully(new byte[10]);
    }
    try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(file).opt(FS_OPTION_OPENFILE_LENGTH, LEN).build())) {
      in.readFully(new byte[10]);
    }
    assertThat(count(p, "HEAD")).isZero();
    assertThat(count(p, "GET")).isEqualTo(2);

    p.reset();
    try (FSDataInputStream in = fs.open(file)) {
      in.readFully(new byte[10]);
    }
    assertThat(count(p, "HEAD")).as("open() without hints asks for the length").isEqualTo(1);
  }

  @Test
  void splitEndBoundsTheFirstGet() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    long start = 1 << 20;
    long end = 2 << 20;
    try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(file)
        .opt(FS_OPTION_OPENFILE_READ_POLICY, "sequential").opt(FS_OPTION_OPENFILE_LENGTH, LEN)
        .opt(FS_OPTION_OPENFILE_SPLIT_START, start).opt(FS_OPTION_OPENFILE_SPLIT_END, end).build())) {
      in.seek(start);
      byte[] b = new byte[1000];
      in.readFully(b);
      assertBytes(b, start);
    }
    // parts up to the split end plus max(readahead, 1 MiB) for the record that crosses it; not to the end of the file
    assertThat(gets(p)).contains(range(start, end - 1)).isSubsetOf(parts(start, end + (1 << 20)));
    assertThat(parts(start, end + (1 << 20))).containsExactly(range(start, end - 1), range(end, end + (1 << 20) - 1));
  }

  // ---- vectored reads ----

  private static List<FileRange> ranges(long... offsetLength) {
    List<FileRange> out = new ArrayList<>();
    for (int i = 0; i < offsetLength.length; i += 2) {
      out.add(FileRange.createFileRange(offsetLength[i], (int) offsetLength[i + 1]));
    }
    return out;
  }

  private static void awaitAndCheck(List<FileRange> ranges) throws Exception {
    for (FileRange r : ranges) {
      ByteBuffer b = FutureIO.awaitFuture(r.getData(), 30, java.util.concurrent.TimeUnit.SECONDS);
      byte[] got = new byte[b.remaining()];
      b.get(got);
      assertThat(got).hasSize(r.getLength());
      assertBytes(got, r.getOffset());
    }
  }

  @Test
  void readVectoredMergesRangesWithSmallGaps() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    List<FileRange> rs = ranges(2000, 1000, 0, 1000, 10_000, 1000, 3_000_000, 500);
    try (FSDataInputStream in = openFile(fs, file, "vector")) {
      in.readVectored(rs, ByteBuffer::allocate);
      awaitAndCheck(rs);
      assertThat(counter(in.getIOStatistics(), StreamStatisticNames.STREAM_READ_VECTORED_COMBINED_RANGES)).isEqualTo(2);
    }
    assertThat(gets(p)).containsExactlyInAnyOrder(range(0, 10_999), range(3_000_000, 3_000_499));
  }

  @Test
  void readVectoredDefaultsMergeGapsUnderOneMebibyteAsS3aDefaultStream() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    // gaps of 534,464 bytes (under 1 MiB) merge; the last range is 2,234,464 bytes further (over 1 MiB)
    List<FileRange> rs = ranges(0, 65_536, 600_000, 65_536, 1_200_000, 65_536, 3_500_000, 65_536);
    try (FSDataInputStream in = openFile(fs, file, "vector")) {
      assertThat(in.minSeekForVectorReads()).isEqualTo(1 << 20);
      assertThat(in.maxReadSizeForVectorReads()).isEqualTo(8 << 20);
      in.readVectored(rs, ByteBuffer::allocate);
      awaitAndCheck(rs);
      assertThat(counter(in.getIOStatistics(), StreamStatisticNames.STREAM_READ_VECTORED_READ_BYTES_DISCARDED))
          .as("the two gaps read and dropped").isEqualTo(2 * 534_464);
    }
    assertThat(gets(p)).containsExactlyInAnyOrder(range(0, 1_265_535), range(3_500_000, 3_565_535));
  }

  @Test
  void readVectoredHonoursMinSeekAndMaxMergedSize() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p, FsConstants.VECTORED_MIN_SEEK, "1024");
    List<FileRange> rs = ranges(0, 1000, 2000, 1000, 10_000, 1000);
    try (FSDataInputStream in = openFile(fs, file, "vector")) {
      assertThat(in.minSeekForVectorReads()).isEqualTo(1024);
      in.readVectored(rs, ByteBuffer::allocate);
      awaitAndCheck(rs);
    }
    assertThat(gets(p)).as("gap 1000 merged, gap 7000 not").containsExactlyInAnyOrder(range(0, 2999),
        range(10_000, 10_999));

    FaultProxy p2 = proxy();
    FileSystem fs2 = fs(p2, FsConstants.VECTORED_MAX_MERGED, "2500");
    List<FileRange> rs2 = ranges(0, 1000, 2000, 1000, 10_000, 1000);
    try (FSDataInputStream in = openFile(fs2, file, "vector")) {
      assertThat(in.maxReadSizeForVectorReads()).isEqualTo(2500);
      in.readVectored(rs2, ByteBuffer::allocate);
      awaitAndCheck(rs2);
    }
    assertThat(gets(p2)).as("[0, 3000) is larger than the 2500 bytes allowed").containsExactlyInAnyOrder(
        range(0, 999), range(2000, 2999), range(10_000, 10_999));
  }

  @Test
  void readVectoredRunsOnABoundedPool() throws Exception {
    FaultProxy p = proxy();
    p.latency(Duration.ofMillis(150));
    // ranges 400,000 bytes apart, none merged (min-seek 16k): eight GETs
    FileSystem fs = fs(p, FsConstants.THREADS, "2", FsConstants.VECTORED_MIN_SEEK, "16k");
    List<FileRange> rs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      rs.add(FileRange.createFileRange(i * 400_000L, 100));
    }
    try (FSDataInputStream in = openFile(fs, file, "vector")) {
      in.readVectored(rs, ByteBuffer::allocate);
      awaitAndCheck(rs);
    }
    assertThat(count(p, "GET")).isEqualTo(8);
    assertThat(p.peakInFlight()).as("GETs in flight with fs.s3dlio.threads=2").isBetween(1, 2);

    FaultProxy p8 = proxy();
    p8.latency(Duration.ofMillis(150));
    FileSystem fs8 = fs(p8, FsConstants.THREADS, "8", FsConstants.VECTORED_MIN_SEEK, "16k");
    List<FileRange> rs8 = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      rs8.add(FileRange.createFileRange(i * 400_000L, 100));
    }
    try (FSDataInputStream in = openFile(fs8, file, "vector")) {
      in.readVectored(rs8, ByteBuffer::allocate);
      awaitAndCheck(rs8);
    }
    assertThat(p8.peakInFlight()).as("GETs in flight with fs.s3dlio.threads=8").isGreaterThan(2);

    FaultProxy pc = proxy();
    pc.latency(Duration.ofMillis(150));
    FileSystem fsc = fs(pc, FsConstants.THREADS, "8", FsConstants.VECTORED_CONCURRENCY, "2",
        FsConstants.VECTORED_MIN_SEEK, "16k");
    List<FileRange> rsc = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      rsc.add(FileRange.createFileRange(i * 400_000L, 100));
    }
    try (FSDataInputStream in = openFile(fsc, file, "vector")) {
      in.readVectored(rsc, ByteBuffer::allocate);
      awaitAndCheck(rsc);
    }
    assertThat(count(pc, "GET")).isEqualTo(8);
    assertThat(pc.peakInFlight()).as("GETs in flight with vectored.concurrency=2").isBetween(1, 2);
  }

  @Test
  void readVectoredRejectsOverlapsAndRangesPastTheEnd() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    try (FSDataInputStream in = openFile(fs, file, "vector")) {
      assertThatThrownBy(() -> in.readVectored(ranges(0, 1000, 500, 1000), ByteBuffer::allocate))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Overlapping ranges");
      assertThatThrownBy(() -> in.readVectored(ranges(LEN - 10, 100), ByteBuffer::allocate))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("Range extends beyond the file length (" + LEN + ")");
      assertThatThrownBy(() -> in.readVectored(ranges(LEN + 10, 10), ByteBuffer::allocate))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("Range starts beyond the file length (" + LEN + ")");
    }
    assertThat(count(p, "GET")).as("nothing fetched for invalid ranges").isZero();
  }

  // ---- configuration, errors, capabilities ----

  @Test
  void perBucketSettingsOverrideTheGlobalOnes() throws Exception {
    FaultProxy p = proxy();
    Configuration c = conf("http://127.0.0.1:1"); // nothing listens there
    c.set(FsConstants.BUCKET_PREFIX + BUCKET + ".s3.endpoint", p.endpoint().toString());
    c.set(FsConstants.READAHEAD, "64k");
    c.set(FsConstants.BUCKET_PREFIX + BUCKET + ".readahead", "256k");
    c.set(FsConstants.BUCKET_PREFIX + "other-bucket.readahead", "1m");
    try (FileSystem fs = FileSystem.newInstance(URI.create("s3://" + BUCKET), c);
        FSDataInputStream in = openFile(fs, file, "random")) {
      in.readFully(new byte[10]);
    }
    assertThat(gets(p)).containsExactly(range(0, (256 << 10) - 1));
  }

  @Test
  void errorsNameThePath() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    Path missing = new Path(file.getParent(), "missing.bin");
    assertThatThrownBy(() -> fs.open(missing))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining(missing.toString());
    try (FSDataInputStream in = openFile(fs, file, "random")) {
      assertThatThrownBy(() -> in.readFully(LEN - 5, new byte[10]))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("at " + (LEN - 5));
      assertThatThrownBy(() -> in.seek(LEN + 1))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("Attempted to seek or read past the end of the file")
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void capabilities() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    try (FSDataInputStream in = fs.open(file)) {
      assertThat(in.hasCapability(StreamCapabilities.VECTOREDIO)).isTrue();
      assertThat(in.hasCapability(StreamCapabilities.UNBUFFER)).isTrue();
      assertThat(in.hasCapability(StreamCapabilities.IOSTATISTICS)).isTrue();
      assertThat(in.hasCapability(StreamCapabilities.HFLUSH)).isFalse();
    }
    Path out = new Path(file.getParent(), "caps.bin");
    try (FSDataOutputStream o = fs.create(out, true)) {
      assertThat(o.hasCapability(StreamCapabilities.HFLUSH)).isFalse();
      assertThat(o.hasCapability(StreamCapabilities.HSYNC)).isFalse();
      assertThat(o.hasCapability(StreamCapabilities.ABORTABLE_STREAM)).isTrue();
    }
    assertThat(fs.hasPathCapability(out, CommonPathCapabilities.FS_APPEND)).isFalse();
    assertThat(fs.hasPathCapability(out, CommonPathCapabilities.ETAGS_AVAILABLE)).isTrue();
    assertThat(fs.hasPathCapability(out, CommonPathCapabilities.ETAGS_PRESERVED_IN_RENAME)).isFalse();
    assertThat(fs.hasPathCapability(out, CommonPathCapabilities.BULK_DELETE)).isTrue();
  }

  // ---- writes ----

  @Test
  void createWithoutOverwriteOnAnExistingObjectFailsWithoutWriting() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    Path path = new Path(file.getParent(), "existing.bin");
    try (FSDataOutputStream o = fs.create(path, true)) {
      o.write(new byte[] {1, 2, 3});
    }
    p.reset();
    assertThatThrownBy(() -> fs.create(path, false))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(path.toString());
    assertThat(count(p, "PUT") + count(p, "POST")).as("requests that write").isZero();
    try (FSDataInputStream in = fs.open(path)) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void aFailedWriteLeavesNoObject() throws Exception {
    FaultProxy p = proxy();
    FileSystem fs = fs(p);
    Path path = new Path(file.getParent(), "failed-" + UUID.randomUUID() + ".bin");
    FSDataOutputStream o = fs.create(path, true);
    o.write(new byte[100_000]);
    p.throttle(1000); // every request answered 503 SlowDown from now on
    assertThatThrownBy(o::close)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(path.toUri().getPath().substring(1));
    assertThat(p.throttledCount()).isPositive();
    try (FileSystem direct = FileSystem.newInstance(URI.create("s3://" + BUCKET), conf(server.endpoint().toString()))) {
      assertThat(direct.exists(path)).isFalse();
      assertThat(direct.listStatus(path.getParent())).extracting(s -> s.getPath().getName())
          .doesNotContain(path.getName());
    }
    assertThat(p.requestHeads().stream().map(h -> h.toLowerCase(Locale.ROOT)))
        .anyMatch(h -> h.startsWith("put ") || h.startsWith("post "));
  }

  /** A counter of the stream's IOStatistics (Hadoop's IOStatisticAssertions needs the old AssertJ). */
  private static Long counter(org.apache.hadoop.fs.statistics.IOStatistics s, String name) {
    return s.counters().get(name);
  }
}
