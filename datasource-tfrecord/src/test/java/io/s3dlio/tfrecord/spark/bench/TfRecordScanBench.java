package io.s3dlio.tfrecord.spark.bench;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.S3ProxyServer;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (a main, not a test; issue 16): one indexed TFRecord file scanned by the {@code tfrecord}
 * source ({@code recordType ByteArray}, {@code sum(length(byteArray))}, Spark local[2]) from
 * {@code file://} and from {@code s3://} on the project's S3 test server (S3Proxy, filesystem
 * blobstore, started here), with this FileSystem's read-ahead off (one long GET per split, the
 * default) and on (by per-bucket settings: depth 4, parts up to 8m, unless system properties
 * {@code scan.prefetch.depth} and {@code scan.prefetch.part-size} say otherwise), beside the raw
 * ceiling: the same object read by N parallel ranged GETs into a discarding buffer (no Spark, no
 * decoding). Every round runs every way once, in rotating order; the summary gives medians, the
 * ratios to {@code file://} and to the ceiling, and the CPU seconds used per way by the client JVM
 * (Spark, the FileSystem, the SDK; and how much of it in the kernel) and by the S3Proxy process,
 * since both share this machine's cores. System property {@code scan.ways} (comma-separated
 * substrings of the way names, e.g. {@code file,one GET}) runs only those ways, for profiling one
 * way at a time.
 *
 * <pre>
 * TfRecordScanBench SIZE_MIB ROUNDS WORK [GETS]
 * </pre>
 * System property {@code s3dlio.s3proxy.jar} names the S3Proxy jar (as in the tests).
 */
public final class TfRecordScanBench {
  /** The read-ahead way's settings (system properties scan.prefetch.depth, scan.prefetch.part-size). */
  private static final String DEPTH = System.getProperty("scan.prefetch.depth", "4");
  private static final String PART = System.getProperty("scan.prefetch.part-size", "8m");

  private TfRecordScanBench() {
  }

  public static void main(String[] args) throws Exception {
    int sizeMib = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]).toAbsolutePath();
    int gets = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Files.createDirectories(work);
    Path local = work.resolve("scan-" + sizeMib + "m.tfrecord");
    long records = generate(local, (long) sizeMib << 20);
    long size = Files.size(local);

    S3ProxyServer s3 = S3ProxyServer.get();
    try (StoreRegistry stores = new StoreRegistry(s3.storeConfig())) {
      DaliIndexer indexer = new DaliIndexer(stores);
      ObjectUri localUri = ObjectUri.parseOrLocalPath(local.toString());
      indexer.index(localUri, DaliIndexer.defaultIndexUri(localUri), new IndexOptions(false, true,
          IndexOptions.DEFAULT.scanMode(), true));
      Map<String, String> ways = new java.util.LinkedHashMap<>();
      ways.put("file://", local.toUri().toString());
      for (String bucket : List.of("scan-one-get", "scan-read-ahead")) {
        s3.createBucket(bucket);
        ObjectUri data = ObjectUri.parse("s3://" + bucket + "/" + local.getFileName());
        upload(stores.storeFor(data), local, data);
        upload(stores.storeFor(data), Path.of(local + ".idx"), ObjectUri.parse(data + ".idx"));
        ways.put("s3:// " + (bucket.equals("scan-one-get") ? "one GET per split"
            : "read-ahead depth " + DEPTH + ", parts up to " + PART),
            data.toString());
      }
      String ceiling = gets + " parallel range GETs (ceiling)";
      ObjectUri rawUri = ObjectUri.parse(ways.get("s3:// one GET per split"));

      SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("TfRecordScanBench")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
          .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName())
          .config("spark.hadoop.fs.s3dlio.bucket.scan-read-ahead.prefetch.depth", DEPTH)
          .config("spark.hadoop.fs.s3dlio.bucket.scan-read-ahead.prefetch.part-size", PART);
      for (Map.Entry<String, String> e : s3.storeConfig().withPrefix("s3.").entrySet()) {
        b.config("spark.hadoop.fs.s3dlio." + e.getKey(), e.getValue());
      }
      SparkSession spark = b.getOrCreate();
      Map<String, List<Double>> seconds = new TreeMap<>();
      List<String> order = new ArrayList<>(ways.keySet());
      order.add(ceiling);
      String only = System.getProperty("scan.ways");
      if (only != null) {
        order.removeIf(w -> java.util.Arrays.stream(only.split(",")).noneMatch(w::contains));
      }
      Map<String, List<Double>> clientCpu = new TreeMap<>();
      Map<String, List<Double>> clientSys = new TreeMap<>();
      Map<String, List<Double>> serverCpu = new TreeMap<>();
      for (String way : order) { // warm-up, not counted
        run(spark, way, ways.get(way), stores, rawUri, size, gets, records);
      }
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < order.size(); i++) {
          String way = order.get((i + round) % order.size());
          long client0 = processCpuNanos();
          double sys0 = systemCpuSeconds();
          long server0 = s3.cpuTime().toNanos();
          double s = run(spark, way, ways.get(way), stores, rawUri, size, gets, records);
          clientCpu.computeIfAbsent(way, k -> new ArrayList<>()).add((processCpuNanos() - client0) / 1e9);
          clientSys.computeIfAbsent(way, k -> new ArrayList<>()).add(systemCpuSeconds() - sys0);
          serverCpu.computeIfAbsent(way, k -> new ArrayList<>()).add((s3.cpuTime().toNanos() - server0) / 1e9);
          seconds.computeIfAbsent(way, k -> new ArrayList<>()).add(s);
          System.out.printf(Locale.ROOT, "RESULT|%s|%d|%.3f|%.1f%n", way, round, s, size / 1e6 / s);
        }
      }
      spark.stop();
      double localMedian = seconds.containsKey("file://") ? median(seconds.get("file://")) : Double.NaN;
      double ceilingMedian = seconds.containsKey(ceiling) ? median(seconds.get(ceiling)) : Double.NaN;
      System.out.printf(Locale.ROOT, "%n%d MiB file, %,d records, %d rounds, load %s%n", sizeMib, records, rounds,
          Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.println("| way | median s | MB/s | × time of file:// | × time of the ceiling "
          + "| client CPU s | of which kernel | S3Proxy CPU s |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
      for (String way : order) {
        double m = median(seconds.get(way));
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", way, m,
            size / 1e6 / m, m / localMedian, m / ceilingMedian, median(clientCpu.get(way)), median(clientSys.get(way)),
            median(serverCpu.get(way)));
      }
    }
    System.exit(0);
  }

  private static double run(SparkSession spark, String way, String uri, StoreRegistry stores, ObjectUri rawUri,
      long size, int gets, long records) throws Exception {
    long t0 = System.nanoTime();
    if (uri == null) {
      rawParallelGet(stores.storeFor(rawUri), rawUri, size, gets);
    } else {
      Row r = spark.read().format("tfrecord").option("recordType", "ByteArray").load(uri)
          .selectExpr("count(*)", "sum(length(byteArray))").first();
      if (r.getLong(0) != records) {
        throw new IllegalStateException(way + ": " + r.getLong(0) + " records, expected " + records);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The object in {@code gets} equal ranges, each one ranged GET streamed into a discarding buffer. */
  private static void rawParallelGet(ObjectStore store, ObjectUri uri, long size, int gets) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(gets);
    try {
      List<Future<Long>> parts = new ArrayList<>();
      long step = (size + gets - 1) / gets;
      for (long off = 0; off < size; off += step) {
        long o = off;
        long len = Math.min(step, size - off);
        parts.add(pool.submit(() -> {
          long n = 0;
          byte[] buf = new byte[1 << 16];
          try (InputStream in = store.openRange(uri, o, len)) {
            for (int k; (k = in.read(buf)) > 0; ) {
              n += k;
            }
          }
          return n;
        }));
      }
      long total = 0;
      for (Future<Long> f : parts) {
        total += f.get();
      }
      if (total != size) {
        throw new IllegalStateException("raw GETs read " + total + " of " + size + " bytes");
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Records of 2 to 8 KiB of random bytes up to {@code bytes}; returns the record count. */
  private static long generate(Path file, long bytes) throws Exception {
    Random random = new Random(16);
    byte[] payload = new byte[8192];
    random.nextBytes(payload);
    long n = 0;
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        TfRecordWriter w = new TfRecordWriter(out, Compression.NONE)) {
      while (w.bytes() < bytes) {
        int len = 2048 + random.nextInt(6145);
        payload[random.nextInt(len)] ^= (byte) n;
        w.write(payload, 0, len);
        n++;
      }
    }
    return n;
  }

  private static void upload(ObjectStore store, Path from, ObjectUri to) throws Exception {
    try (InputStream in = Files.newInputStream(from); ObjectWriter w = store.openWriter(to)) {
      in.transferTo(w);
    }
  }

  /** CPU time this JVM has used so far (all threads). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Kernel-mode CPU seconds of this JVM so far (Linux /proc/self/stat, 100 ticks a second); NaN elsewhere. */
  private static double systemCpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[12]) / 100.0; // field 15, stime
    } catch (java.io.IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int m = s.size();
    return m % 2 == 1 ? s.get(m / 2) : (s.get(m / 2 - 1) + s.get(m / 2)) / 2;
  }
}
