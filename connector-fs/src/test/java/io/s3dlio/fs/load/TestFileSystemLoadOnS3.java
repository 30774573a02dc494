package io.s3dlio.fs.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.S3ProxyServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Load on one Hadoop FileSystem instance over S3Proxy: 64 threads reading at once (whole files,
 * seek + readFully, positioned reads; every result checked by CRC32C against the bytes written),
 * and a listing of many keys (the exact key set, by {@code listFiles} recursively and by
 * {@code listStatus} of one folder). Peak threads (ThreadMXBean) and peak heap in use (MemoryMXBean,
 * sampled every 5 ms, garbage included) are measured; for the listing also the heap retained after a
 * full GC at every tenth of the keys (the test holds one bit per key, no names, so what is retained
 * is the FileSystem's). Asserted within loose bounds and written to
 * {@code target/reliability/load.md} (figures in docs/reliability.md).
 *
 * <p>Keys listed: {@code -Ds3dlio.load.keys} (2,000 by default, so that CI stays short). S3Proxy's
 * on-disk store reads every object's attributes on disk for every page of a listing (listing time
 * grows with keys x pages); the 100,000-key run takes its in-memory store, still through the S3
 * server: {@code mvn -pl connector-fs verify -Dtest=TestFileSystemLoadOnS3 -Ds3dlio.load.keys=100000
 * -Ds3dlio.s3proxy.backend=transient-nio2 -Ds3dlio.s3proxy.heap=2g}.
 */
class TestFileSystemLoadOnS3 {
  private static final String BUCKET = "fs-load";
  private static final int READERS = 64;
  private static final int THREADS = 16;

  private static StoreRegistry stores;
  private static FileSystem fs;
  private static String base;
  private static final StringBuilder REPORT = new StringBuilder();

  @BeforeAll
  static void start() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    stores = new StoreRegistry(s3.storeConfig());
    base = "s3://" + BUCKET + "/load-" + Long.toHexString(System.nanoTime());
    Configuration conf = new Configuration(false);
    s3.storeConfig().withPrefix("s3.").forEach((k, v) -> conf.set("fs.s3dlio." + k, v));
    conf.set("fs.s3.impl", io.s3dlio.fs.S3dlioFileSystem.S3.class.getName());
    conf.set("fs.s3dlio.threads", Integer.toString(THREADS));
    fs = FileSystem.newInstance(URI.create(base), conf);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fs != null) {
      fs.close();
    }
    if (stores != null) {
      stores.close();
    }
    java.nio.file.Path out = java.nio.file.Path.of("target", "reliability", "load.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, REPORT.toString());
    System.out.println(REPORT);
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }

  /** Heap in use after a full collection: what is retained, not garbage yet to be collected. */
  private static long retainedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Samples the heap in use every 5 ms while it runs; {@link #peak} after {@link #close}. */
  private static final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler() {
      System.gc();
      thread = new Thread(() -> {
        while (running) {
          peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peak() {
      return peak.get();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join();
    }
  }

  @Test
  void sixtyFourReadersOnOneFileSystemReadCorrectBytesWithBoundedThreads() throws Exception {
    Random random = new Random(64);
    int files = 16;
    List<Path> paths = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      byte[] data = new byte[(1 << 20) + random.nextInt(1 << 20)];
      random.nextBytes(data);
      Path p = new Path(base + "/read/file-" + i + ".bin");
      ObjectUri u = ObjectUri.parse(p.toString());
      stores.storeFor(u).put(u, data);
      paths.add(p);
      contents.add(data);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int threadsBefore = threads.getThreadCount();
    threads.resetPeakThreadCount();
    long retainedBefore = retainedHeap();
    long[] retained = new long[2];
    long bytes = 0;
    int ops = 0;
    long start = System.nanoTime();
    long heapPeak;
    try (HeapSampler heap = new HeapSampler()) {
      // Two rounds: what the first leaves (connection pool, buffers) must not grow in the second.
      for (int round = 0; round < 2; round++) {
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
          List<Future<long[]>> results = new ArrayList<>();
          for (int r = 0; r < READERS; r++) {
            int reader = r;
            results.add(readers.submit(() -> read(reader, paths, contents)));
          }
          for (Future<long[]> f : results) {
            long[] done = f.get();
            ops += (int) done[0];
            bytes += done[1];
          }
        } finally {
          readers.shutdown();
          readers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        }
        retained[round] = retainedHeap();
      }
      heapPeak = heap.peak();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int peakThreads = threads.getPeakThreadCount();
    REPORT.append(String.format("64 readers, two rounds: %d reads (%d MiB) all correct by CRC32C in %.1f s; threads"
        + " %d before, peak %d (64 readers, fs.s3dlio.threads=%d); heap in use: peak %d MiB (garbage included; max"
        + " %d MiB), retained after a full GC %d MiB before, %d MiB after round 1, %d MiB after round 2%n", ops,
        bytes >> 20, seconds, threadsBefore, peakThreads, THREADS, heapPeak >> 20,
        Runtime.getRuntime().maxMemory() >> 20, retainedBefore >> 20, retained[0] >> 20, retained[1] >> 20));
    assertThat(ops).isEqualTo(2 * READERS * 3 * 4);
    // 64 readers + the FileSystem's pool + the HTTP client's: bounded, not one thread per request.
    assertThat(peakThreads - threadsBefore).as(REPORT.toString()).isLessThanOrEqualTo(READERS + 2 * THREADS + 16);
    // Each reader holds at most a file (< 2 MiB) twice and its buffers: far below the heap.
    assertThat(heapPeak).as(REPORT.toString()).isLessThan(Runtime.getRuntime().maxMemory() * 3 / 4);
    assertThat(retained[0] - retainedBefore).as("kept after the streams closed: " + REPORT).isLessThan(64L << 20);
    assertThat(retained[1] - retained[0]).as("growth in the second round: " + REPORT).isLessThan(8L << 20);
  }

  /** One reader: 4 files (from its number), each read whole, by seeks and by positioned reads. */
  private static long[] read(int reader, List<Path> paths, List<byte[]> contents) throws Exception {
    Random random = new Random(reader);
    long ops = 0;
    long bytes = 0;
    for (int k = 0; k < 4; k++) {
      int i = (reader * 4 + k) % paths.size();
      byte[] data = contents.get(i);
      Path p = paths.get(i);
      try (FSDataInputStream in = fs.open(p)) {
        byte[] all = in.readAllBytes();
        check(all.length == data.length && crc(all, 0, all.length) == crc(data, 0, data.length), p, "whole");
        ops++;
        bytes += all.length;
        int off = random.nextInt(data.length - 65536);
        byte[] got = new byte[65536];
        in.seek(off);
        in.readFully(got);
        check(crc(got, 0, got.length) == crc(data, off, got.length), p, "seek " + off);
        ops++;
        bytes += got.length;
        off = random.nextInt(data.length - 65536);
        in.readFully(off, got);
        check(crc(got, 0, got.length) == crc(data, off, got.length), p, "pread " + off);
        ops++;
        bytes += got.length;
      }
    }
    return new long[] {ops, bytes};
  }

  private static void check(boolean ok, Path p, String what) {
    if (!ok) {
      throw new AssertionError("wrong bytes from " + p + " (" + what + ")");
    }
  }

  @Test
  void aListingOfManyKeysGivesTheExactKeySetInBoundedMemory() throws Exception {
    int keys = Integer.getInteger("s3dlio.load.keys", 2_000);
    String dir = base + "/list";
    ObjectStore store = stores.storeFor(ObjectUri.parse(dir + "/"));
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    ExecutorService writers = Executors.newFixedThreadPool(32);
    long start = System.nanoTime();
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int w = 0; w < 32; w++) {
        int first = w;
        puts.add(writers.submit(() -> {
          for (int i = first; i < keys; i += 32) {
            // two levels: 100 folders, so that listFiles walks a tree and listStatus a flat folder
            ObjectUri u = ObjectUri.parse(keyName(dir, i));
            store.put(u, new byte[] {(byte) i});
          }
          return null;
        }));
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      writers.shutdown();
      // the writers' threads gone before the threads are counted
      assertThat(writers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    }
    double putSeconds = (System.nanoTime() - start) / 1e9;

    // The listing is checked against the key numbers (a bit each), so the test itself holds no
    // names and the heap retained while listing is the FileSystem's: sampled after a full GC at
    // every tenth of the keys.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int threadsBefore = threads.getThreadCount();
    threads.resetPeakThreadCount();
    long retainedBefore = retainedHeap();
    long retainedPeak = retainedBefore;
    long heapBefore;
    long heapPeak;
    BitSet listed = new BitSet(keys);
    long count = 0;
    long bytes = 0;
    long gcEvery = Math.max(1, keys / 10);
    long gcNanos = 0;
    start = System.nanoTime();
    try (HeapSampler heap = new HeapSampler()) {
      heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(dir), true);
      while (it.hasNext()) {
        LocatedFileStatus s = it.next();
        int i = keyNumber(dir, s.getPath().toString(), keys);
        assertThat(listed.get(i)).as("listed twice: %s", s.getPath()).isFalse();
        listed.set(i);
        bytes += s.getLen();
        if (++count % gcEvery == 0) {
          long t = System.nanoTime();
          retainedPeak = Math.max(retainedPeak, retainedHeap());
          gcNanos += System.nanoTime() - t;
        }
      }
      heapPeak = heap.peak();
    }
    double listSeconds = (System.nanoTime() - start - gcNanos) / 1e9;
    int peakThreads = threads.getPeakThreadCount();
    assertThat(count).as("keys listed").isEqualTo(keys);
    assertThat(listed.cardinality()).as("distinct keys listed").isEqualTo(keys);
    assertThat(bytes).isEqualTo(keys);

    FileStatus[] one = fs.listStatus(new Path(dir + "/d07"));
    Set<String> folder = new HashSet<>();
    for (FileStatus s : one) {
      folder.add(s.getPath().toString());
    }
    Set<String> expectedFolder = new HashSet<>();
    for (int i = 7; i < keys; i += 100) {
      expectedFolder.add(keyName(dir, i));
    }
    assertThat(folder).isEqualTo(expectedFolder);
    FileStatus[] top = fs.listStatus(new Path(dir));
    assertThat(top).hasSize(Math.min(keys, 100)).allSatisfy(s -> assertThat(s.isDirectory()).isTrue());

    long retainedAfter = retainedHeap();
    REPORT.append(String.format("listing %,d keys (S3Proxy %s): %d PUTs in %.1f s (%.0f/s, 32 writers); listFiles"
        + " recursive in %.1f s (full GCs excluded), exact key set; threads %d before, peak %d; heap in use %d MiB"
        + " before, peak %d MiB (garbage included; max %d MiB); retained after a full GC %d MiB before, peak %d MiB"
        + " while listing (every %,d keys), %d MiB after; load average %.1f at the start, %.1f at the end%n", keys,
        System.getProperty(S3ProxyServer.BACKEND_PROPERTY, "filesystem-nio2"), keys, putSeconds, keys / putSeconds,
        listSeconds, threadsBefore, peakThreads, heapBefore >> 20, heapPeak >> 20,
        Runtime.getRuntime().maxMemory() >> 20, retainedBefore >> 20, retainedPeak >> 20, gcEvery,
        retainedAfter >> 20, loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    assertThat(peakThreads - threadsBefore).as(REPORT.toString()).isLessThanOrEqualTo(2 * THREADS + 16);
    // What the listing keeps is a page or two, whatever the number of keys.
    assertThat(retainedPeak - retainedBefore).as(REPORT.toString()).isLessThan(64L << 20);
    assertThat(heapPeak).as(REPORT.toString()).isLessThan(Runtime.getRuntime().maxMemory() * 3 / 4);
  }

  /** Key number {@code i}: 100 folders, so that listFiles walks a tree and listStatus a flat folder. */
  private static String keyName(String dir, int i) {
    return String.format("%s/d%02d/key-%07d", dir, i % 100, i);
  }

  /** The number of a listed key; fails for a name that is not one of the {@code keys} written. */
  private static int keyNumber(String dir, String path, int keys) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    int i = name.startsWith("key-") ? Integer.parseInt(name.substring(4)) : -1;
    assertThat(i >= 0 && i < keys && path.equals(keyName(dir, i))).as("listed a key never written: %s", path)
        .isTrue();
    return i;
  }
}
