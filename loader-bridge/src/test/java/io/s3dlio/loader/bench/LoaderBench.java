package io.s3dlio.loader.bench;

import io.s3dlio.loader.Batch;
import io.s3dlio.loader.BatchIterator;
import io.s3dlio.loader.DataLoader;
import io.s3dlio.loader.LoaderMetrics;
import io.s3dlio.loader.LoaderOptions;
import io.s3dlio.loader.dataset.TfRecordDataset;
import io.s3dlio.loader.sampler.BlockShuffleSampler;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.S3ProxyServer;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.MaskedCrc32c;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loader benchmark of docs/loader.md (run by loader-bridge/bench/run-loader-bench.sh):
 * SAMPLES TFRecord records of about RECORD bytes in FILES files, on local disk and on the S3 test
 * server (S3Proxy), read these ways, interleaved, REPS times per target:
 * <ol>
 *   <li>ceiling: one sequential streaming read of every file, one after the other (bytes only);</li>
 *   <li>ceiling + decode: the same read through {@code TfRecordReader}, checking both CRCs of every
 *       record and handing out each payload as its own {@code byte[]}: the per-record work the
 *       loader does for raw records, without the index, the shuffle or any concurrency;</li>
 *   <li>decode, WORKERS threads (CPU): the same on WORKERS threads, each reading whole files: the
 *       CPU-bound reference, as fast as this machine does the loader's per-record work;</li>
 *   <li>loader, batch blocks: TfRecordDataset by index through the DataLoader, block shuffle with
 *       blocks of one batch ({@code shuffleBlock(batch)}), WORKERS concurrent fetch parts;</li>
 *   <li>loader, group shuffle: blocks of BLOCK records, MIX blocks shuffled together
 *       ({@code shuffleBlock(BLOCK).shuffleMix(MIX)});</li>
 *   <li>baseline: one range GET per sample, in the block-shuffle order, on WORKERS threads (the same
 *       concurrency), checking each record's CRC as the loader does; the first SUBSET positions.</li>
 * </ol>
 * Once per target (not per repetition, it is slow): the loader with a full shuffle (the first
 * SUBSET positions). Every way counts payload bytes (what the loader delivers). Each repetition's
 * ratios are taken against that repetition's ceilings; the summary gives the median and the
 * range over repetitions, and the CPU seconds per GB of this JVM (and of the S3Proxy process).
 * The local target first runs warm-up repetitions (JIT, page cache) that are not counted: at least
 * WARMUP, then more while the last one spent more than {@link #JIT_SETTLED} s compiling (at most
 * MAX_WARMUP): after 2, the loader's per-part methods were still being compiled by C2 in the
 * counted repetitions (session 6: its CPU per GB fell from 0.39 to 0.21 s over 6 more).
 *
 * <p>Arguments (all optional): {@code --samples N --record-bytes B --files F --batch N --workers N
 * --block N --mix N --reps N --warmup N --max-warmup N --subset N --target s3|local|both --dir PATH --skip-full --probe}
 * ({@code --probe}: also range GETs of 1, 4 and 16 MiB on the S3 server, to tell its per-request
 * cost from its per-byte cost).
 */
public final class LoaderBench {
  /** The names of the sequential reads with the per-record work (one thread; several: the CPU-bound reference). */
  static final String DECODE = "ceiling + decode";
  static final String DECODE_PARALLEL = "decode, %d threads (CPU)";
  /** Seconds of JIT compilation in a warm-up repetition (all its ways) under which the JIT counts as settled. */
  static final double JIT_SETTLED = 0.1;

  private LoaderBench() {
  }

  /** One measured read: samples and payload bytes delivered, wall time, CPU of this JVM and of the server. */
  record Result(String name, long samples, long bytes, double seconds, double cpu, double gc, double jit,
      double serverCpu, String extra) {
    double mbps() {
      return bytes / seconds / 1e6;
    }

    double cpuPerGb() {
      return cpu / (bytes / 1e9);
    }

    double serverCpuPerGb() {
      return serverCpu / (bytes / 1e9);
    }
  }

  /** Settings of one run. */
  record Settings(int batch, int workers, int block, int mix, int reps, int warmup, int maxWarmup, int subset, boolean full,
      boolean probe) {
  }

  public static void main(String[] args) throws Exception {
    int samples = 100_000;
    int recordBytes = 4096;
    int files = 10;
    int batch = 256;
    int workers = 8;
    int block = 2048;
    int mix = 8;
    int reps = 3;
    int warmup = 2;
    int maxWarmup = 12;
    int subset = 10_000;
    String target = "both";
    Path dir = Path.of("loader-bridge/target/bench");
    boolean full = true;
    boolean probe = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        case "--record-bytes" -> recordBytes = Integer.parseInt(args[++i]);
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--block" -> block = Integer.parseInt(args[++i]);
        case "--mix" -> mix = Integer.parseInt(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--max-warmup" -> maxWarmup = Integer.parseInt(args[++i]);
        case "--subset" -> subset = Integer.parseInt(args[++i]);
        case "--target" -> target = args[++i];
        case "--dir" -> dir = Path.of(args[++i]);
        case "--skip-full" -> full = false;
        case "--probe" -> probe = true;
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    Settings st = new Settings(batch, workers, block, mix, reps, warmup, Math.max(warmup, maxWarmup), subset, full, probe);
    System.out.printf(Locale.ROOT, "loader bench: %d samples of ~%d bytes in %d files, batch %d, %d workers, "
        + "group shuffle %d x %d records, %d repetitions (local: after %d warm-up ones), %d cpus, load average %s%n",
        samples, recordBytes, files, batch, workers, mix, block, reps, warmup, Runtime.getRuntime().availableProcessors(),
        loadAverage());
    byte[][] data = makeFiles(samples, recordBytes, files);
    if (target.equals("local") || target.equals("both")) {
      Files.createDirectories(dir);
      try (StoreRegistry stores = new StoreRegistry(StoreConfig.EMPTY)) {
        ObjectUri root = ObjectUri.local(ObjectUri.Scheme.FILE, dir.toAbsolutePath() + "/tf/");
        run("file://", stores, root, data, st, true, Optional.empty());
      }
    }
    if (target.equals("s3") || target.equals("both")) {
      S3ProxyServer server = S3ProxyServer.get();
      server.createBucket("bench");
      Optional<ProcessHandle> proxy = ProcessHandle.current().children()
          .filter(p -> p.info().commandLine().orElse("").contains("s3proxy")).findFirst();
      try (StoreRegistry stores = new StoreRegistry(server.storeConfig())) {
        run("s3:// (S3Proxy)", stores, ObjectUri.parse("s3://bench/tf/"), data, st, false, proxy);
      }
    }
  }

  /** The TFRecord files: records of recordBytes +- 10% of random bytes. */
  static byte[][] makeFiles(int samples, int recordBytes, int files) throws IOException {
    Random rnd = new Random(1);
    byte[][] out = new byte[files][];
    int per = (samples + files - 1) / files;
    for (int f = 0; f < files; f++) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (TfRecordWriter w = new TfRecordWriter(bos, Compression.NONE)) {
        for (int i = f * per; i < Math.min(samples, (f + 1) * per); i++) {
          byte[] p = new byte[recordBytes - recordBytes / 10 + rnd.nextInt(recordBytes / 5 + 1)];
          rnd.nextBytes(p);
          w.write(p);
        }
      }
      out[f] = bos.toByteArray();
    }
    return out;
  }

  /** Measures one way: CPU of this JVM and of the server process around {@code body}. */
  interface Body {
    Result run(Meter m) throws Exception;
  }

  /** Wall clock and CPU time since it was made. */
  static final class Meter {
    private final Optional<ProcessHandle> server;
    private final long t0 = System.nanoTime();
    private final long cpu0 = processCpu();
    private final long gc0 = gcMillis();
    private final long jit0 = jitMillis();
    private final long server0;

    Meter(Optional<ProcessHandle> server) {
      this.server = server;
      this.server0 = server.map(LoaderBench::cpuTicksNanos).orElse(0L);
    }

    Result result(String name, long samples, long bytes, String extra) {
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpu() - cpu0) / 1e9;
      double srv = (server.map(LoaderBench::cpuTicksNanos).orElse(0L) - server0) / 1e9;
      return new Result(name, samples, bytes, s, cpu, (gcMillis() - gc0) / 1e3, (jitMillis() - jit0) / 1e3, srv,
          extra);
    }
  }

  static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Time this JVM spent collecting garbage (all collectors; pauses, and concurrent work where a collector counts it). */
  static long gcMillis() {
    long t = 0;
    for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }

  /**
   * Time the JIT compilers spent compiling since start: a way that runs while loader code is
   * still being compiled (the compiler threads compete for the same cores) shows it here.
   */
  static long jitMillis() {
    java.lang.management.CompilationMXBean c = ManagementFactory.getCompilationMXBean();
    return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
  }

  /** CPU time (user + system) of another process, from /proc (Linux; 100 ticks a second). */
  static long cpuTicksNanos(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static void run(String where, StoreRegistry stores, ObjectUri root, byte[][] data, Settings st, boolean warmUp,
      Optional<ProcessHandle> server) throws Exception {
    List<ObjectUri> uris = new ArrayList<>();
    for (int f = 0; f < data.length; f++) {
      ObjectUri u = root.child(String.format("part-%05d.tfrecord", f));
      stores.storeFor(u).put(u, data[f]);
      new DaliIndexer(stores).index(u, null, IndexOptions.DEFAULT.withOverwrite(true));
      uris.add(u);
    }
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(uris).build();
    long subset = Math.min(st.subset(), ds.size());
    System.out.printf(Locale.ROOT, "%n== %s: %d records, %.1f MB, load average %s ==%n", where, ds.size(),
        total(data) / 1e6, loadAverage());
    // the loader's parts at once: --workers, at most one per core for local files (what the
    // loader does with numWorkers left unset, MapDataset.localReads), set explicitly here
    int concurrency = ds.localReads() ? Math.min(st.workers(), Runtime.getRuntime().availableProcessors()) : st.workers();
    LoaderOptions batchBlocks = LoaderOptions.builder().batchSize(st.batch()).shuffle(true).shuffleBlock(st.batch())
        .seed(7).numWorkers(concurrency).build();
    LoaderOptions groups = LoaderOptions.builder().batchSize(st.batch()).shuffle(true).shuffleBlock(st.block())
        .shuffleMix(st.mix()).seed(7).numWorkers(concurrency).build();
    System.out.printf(Locale.ROOT, "loader concurrency %d (numWorkers %d%s); GET per sample on %d threads%n", concurrency,
        st.workers(), ds.localReads() ? ", local files: at most one part per core" : "", concurrency);
    Map<String, List<Result>> all = new LinkedHashMap<>();
    // warm-up repetitions (not counted): at least st.warmup(), then more while the last one still
    // compiled (the JIT's threads take the same cores as the way being measured), at most st.maxWarmup()
    boolean warming = warmUp && st.warmup() > 0;
    int warmed = 0;
    int rep = warming ? 0 : 1;
    while (rep <= st.reps()) {
      if (warming) {
        System.out.printf(Locale.ROOT, "-- warm-up repetition %d (not counted), load average %s%n", warmed + 1,
            loadAverage());
      } else {
        System.out.printf(Locale.ROOT, "-- repetition %d of %d, load average %s%n", rep, st.reps(), loadAverage());
      }
      List<Result> rs = new ArrayList<>();
      rs.add(measure(server, m -> sequential(m, stores, uris, ds.size())));
      rs.add(measure(server, m -> sequentialDecoded(m, stores, uris, 1)));
      rs.add(measure(server, m -> sequentialDecoded(m, stores, uris, st.workers())));
      if (stores.storeFor(uris.get(0)).canMapRanges()) {
        rs.add(measure(server, m -> mappedBlocks(m, stores, ds, st.block(), concurrency)));
      }
      rs.add(measure(server, m -> loader(m, "loader, batch blocks", ds, batchBlocks, Long.MAX_VALUE)));
      rs.add(measure(server, m -> loader(m, "loader, group shuffle", ds, groups, Long.MAX_VALUE)));
      rs.add(measure(server, m -> perSampleGets(m, stores, ds, new BlockShuffleSampler(ds.size(), st.batch(), 7),
          concurrency, subset)));
      if (rep == 1 && st.full()) {
        rs.add(measure(server, m -> loader(m, "loader, full shuffle*", ds, LoaderOptions.builder().batchSize(st.batch())
            .shuffle(true).seed(7).numWorkers(concurrency).build(), subset)));
      }
      if (rep == 1 && st.probe()) {
        for (int mib : new int[] {1, 4, 16}) {
          rs.add(measure(server, m -> rangeGets(m, stores, uris, mib << 20, st.workers())));
        }
      }
      for (Result r : rs) {
        System.out.printf(Locale.ROOT,
            "  %-26s %8.1f MB/s %9.0f samples/s %6.2f s  cpu %5.2f s/GB  gc %5.2f s  jit %5.2f s  server %5.2f s/GB  %s%n",
            r.name(), r.mbps(), r.samples() / r.seconds(), r.seconds(), r.cpuPerGb(), r.gc(), r.jit(), r.serverCpuPerGb(),
            r.extra());
        if (!warming) {
          all.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
        }
      }
      if (warming) {
        warmed++;
        double jit = rs.stream().mapToDouble(Result::jit).sum();
        warming = warmed < st.warmup() || jit > JIT_SETTLED && warmed < st.maxWarmup();
        if (!warming) {
          System.out.printf(Locale.ROOT, "-- after %d warm-up repetitions: the last one compiled for %.2f s (%s)%n", warmed,
              jit, jit > JIT_SETTLED ? "the JIT is still busy: the figures include compiling" : "the JIT has settled");
          rep = 1;
        }
      } else {
        rep++;
      }
    }
    summary(where, all);
  }

  static Result measure(Optional<ProcessHandle> server, Body body) throws Exception {
    System.gc();
    return body.run(new Meter(server));
  }

  /** Medians and ranges over repetitions; each ratio within its own repetition. */
  static void summary(String where, Map<String, List<Result>> all) {
    List<Result> ceil = all.get("ceiling: sequential read");
    List<Result> dec = all.get(DECODE);
    List<Result> base = all.get("baseline: GET per sample*");
    List<Result> cpuBound = all.entrySet().stream().filter(e -> e.getKey().startsWith("decode, ")).findFirst()
        .map(Map.Entry::getValue).orElse(dec);
    System.out.printf(Locale.ROOT, "%n%s summary (median [min-max] over %d repetitions), load average %s%n", where,
        ceil.size(), loadAverage());
    System.out.printf(Locale.ROOT, "  %-26s %-22s %-20s %-20s %-20s %-20s %-12s %-12s%n", "way", "MB/s", "x ceiling",
        "x ceiling+decode", "x CPU-bound", "x GET per sample", "cpu s/GB", "server s/GB");
    for (Map.Entry<String, List<Result>> e : all.entrySet()) {
      List<Result> rs = e.getValue();
      int n = rs.size();
      double[] mb = new double[n];
      double[] rc = new double[n];
      double[] rd = new double[n];
      double[] rb = new double[n];
      double[] rp = new double[n];
      double[] cpu = new double[n];
      double[] srv = new double[n];
      for (int i = 0; i < n; i++) {
        // ways run once are compared with the first repetition's references
        Result r = rs.get(i);
        mb[i] = r.mbps();
        rc[i] = r.mbps() / ceil.get(i).mbps();
        rd[i] = r.mbps() / dec.get(i).mbps();
        rb[i] = r.mbps() / base.get(i).mbps();
        rp[i] = r.mbps() / cpuBound.get(i).mbps();
        cpu[i] = r.cpuPerGb();
        srv[i] = r.serverCpuPerGb();
      }
      System.out.printf(Locale.ROOT, "  %-26s %-22s %-20s %-20s %-20s %-20s %-12s %-12s%n", e.getKey(),
          stat(mb, "%.1f"), stat(rc, "%.2f"), stat(rd, "%.2f"), stat(rp, "%.2f"), stat(rb, "%.1f"), stat(cpu, "%.2f"),
          stat(srv, "%.2f"));
    }
  }

  static String stat(double[] v, String fmt) {
    double[] s = v.clone();
    Arrays.sort(s);
    double med = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    if (s.length == 1) {
      return String.format(Locale.ROOT, fmt, med);
    }
    return String.format(Locale.ROOT, fmt + " [" + fmt + "-" + fmt + "]", med, s[0], s[s.length - 1]);
  }

  static long total(byte[][] d) {
    long t = 0;
    for (byte[] b : d) {
      t += b.length;
    }
    return t;
  }

  /** (a) One sequential read of every file, one after the other, counting the payload bytes the loader delivers. */
  static Result sequential(Meter m, StoreRegistry stores, List<ObjectUri> uris, long records) throws IOException {
    byte[] buf = new byte[1 << 20];
    long bytes = 0;
    for (ObjectUri u : uris) {
      try (InputStream in = stores.storeFor(u).openRange(u, 0, -1)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          bytes += n;
        }
      }
    }
    return m.result("ceiling: sequential read", records, bytes - records * TfRecordFraming.OVERHEAD, "");
  }

  /**
   * (a') The same read, framed and CRC-checked record by record, each payload its own array: on
   * one thread, the per-record work of the loader without index, shuffle or concurrency; on
   * {@code threads} threads (each reading whole files, one after another), the CPU-bound
   * reference: as fast as this machine does the loader's per-record work.
   */
  static Result sequentialDecoded(Meter m, StoreRegistry stores, List<ObjectUri> uris, int threads) throws Exception {
    AtomicLong bytes = new AtomicLong();
    AtomicLong records = new AtomicLong();
    onThreads(threads, uris.size(), f -> {
      ObjectUri u = uris.get((int) f);
      try (TfRecordReader r = TfRecordReader.open(stores.storeFor(u).openRange(u, 0, -1), u.toString(),
          ReaderOptions.DEFAULT.withCompression(Compression.NONE))) {
        byte[] p;
        while ((p = r.next()) != null) {
          bytes.addAndGet(p.length);
          records.incrementAndGet();
        }
      }
    });
    return m.result(threads == 1 ? DECODE : String.format(Locale.ROOT, DECODE_PARALLEL, threads), records.get(),
        bytes.get(), "");
  }

  /**
   * (a'') The best case of the loader's per-record work on local files, with no loader: blocks of
   * {@code block} records (the group shuffle's requests) in a shuffled order, each mapped
   * ({@link ObjectStore#mapRange}) and read front to back on one of {@code threads} threads, each
   * record's header and payload CRCs checked and its payload copied into its own array (kept
   * until the block is done). What is left to the loader's group shuffle beyond this is its own
   * work: sampler, request plans, columns, batches, hand-offs.
   */
  static Result mappedBlocks(Meter m, StoreRegistry stores, TfRecordDataset ds, int block, int threads)
      throws Exception {
    List<long[]> blocks = new ArrayList<>();
    for (long first = 0; first < ds.size(); first += block) {
      blocks.add(new long[] {first, Math.min(ds.size(), first + block)});
    }
    java.util.Collections.shuffle(blocks, new Random(7));
    AtomicLong bytes = new AtomicLong();
    onThreads(threads, blocks.size(), k -> {
      long end = blocks.get((int) k)[1];
      byte[][] keep = new byte[(int) (end - blocks.get((int) k)[0])][];
      byte[] header = new byte[TfRecordFraming.HEADER_SIZE];
      long got = 0;
      int kept = 0;
      // the block's records one file at a time (a block may cross into the next file): one mapping each
      for (long first = blocks.get((int) k)[0]; first < end; ) {
        TfRecordDataset.RecordRange a = ds.recordRange(first);
        long stop = first + 1;
        while (stop < end && ds.recordRange(stop).uri().equals(a.uri())) {
          stop++;
        }
        TfRecordDataset.RecordRange z = ds.recordRange(stop - 1);
        java.nio.ByteBuffer map = stores.storeFor(a.uri())
            .mapRange(a.uri(), a.offset(), z.offset() + z.size() - a.offset()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        for (long r = first; r < stop; r++) {
          map.get(pos, header, 0, header.length);
          long len = TfRecordFraming.checkHeader(header, 0, "bench", pos, false, true);
          byte[] p = new byte[(int) len];
          map.get(pos + TfRecordFraming.HEADER_SIZE, p, 0, p.length);
          if (MaskedCrc32c.of(p, 0, p.length) != map.getInt(pos + TfRecordFraming.HEADER_SIZE + p.length)) {
            throw new IOException("CRC mismatch in record " + r);
          }
          keep[kept++] = p;
          got += len;
          pos += (int) TfRecordFraming.frameSize(len);
        }
        first = stop;
      }
      bytes.addAndGet(got);
    });
    return m.result(String.format(Locale.ROOT, "mapped decode, %d thr (best)", threads), ds.size(), bytes.get(), "");
  }

  /** Reads through the loader until the epoch ends or {@code limit} samples were delivered. */
  static Result loader(Meter meter, String name, TfRecordDataset ds, LoaderOptions o, long limit) {
    long bytes = 0;
    long n = 0;
    LoaderMetrics.Snapshot m;
    try (DataLoader l = DataLoader.builder(ds).options(o).build(); BatchIterator it = l.iterator()) {
      while (n < limit && it.hasNext()) {
        Batch b = it.next();
        for (byte[] r : b.bytes("record")) {
          bytes += r.length;
        }
        n += b.size();
      }
      m = l.metrics().snapshot();
    }
    return meter.result(name, n, bytes, String.format(Locale.ROOT,
        "(%d requests of %.2f MB, latency p50 %.1f ms p99 %.1f ms, peak buffered %.0f MB)", m.requests(),
        m.bytesRead() / 1e6 / Math.max(1, m.requests()), m.latencyP50Millis(), m.latencyP99Millis(),
        m.peakBufferedBytes() / 1e6));
  }

  /**
   * (b) One range GET per sample, in the given order, on {@code workers} threads, checking each
   * record's data CRC as the loader does; the first {@code n} positions.
   */
  static Result perSampleGets(Meter m, StoreRegistry stores, TfRecordDataset ds, BlockShuffleSampler order,
      int workers, long n) throws Exception {
    AtomicLong bytes = new AtomicLong();
    onThreads(workers, n, p -> {
      long i;
      synchronized (order) {
        i = order.index(p);
      }
      TfRecordDataset.RecordRange r = ds.recordRange(i);
      ObjectStore store = stores.storeFor(r.uri());
      byte[] b = store.getRange(r.uri(), r.offset(), (int) r.size());
      int len = b.length - TfRecordFraming.OVERHEAD;
      if (MaskedCrc32c.of(b, TfRecordFraming.HEADER_SIZE, len) != TfRecordFraming.readIntLe(b, b.length - 4)) {
        throw new IOException("CRC mismatch in " + r);
      }
      bytes.addAndGet(len);
    });
    return m.result("baseline: GET per sample*", n, bytes.get(), "");
  }

  /** Range GETs of {@code size} bytes covering every file, on {@code workers} threads (the probe). */
  static Result rangeGets(Meter m, StoreRegistry stores, List<ObjectUri> uris, int size, int workers)
      throws Exception {
    List<long[]> ranges = new ArrayList<>();
    for (int f = 0; f < uris.size(); f++) {
      long len = stores.storeFor(uris.get(f)).stat(uris.get(f)).size();
      for (long off = 0; off < len; off += size) {
        ranges.add(new long[] {f, off, Math.min(size, len - off)});
      }
    }
    AtomicLong bytes = new AtomicLong();
    onThreads(workers, ranges.size(), k -> {
      long[] r = ranges.get((int) k);
      ObjectUri u = uris.get((int) r[0]);
      bytes.addAndGet(stores.storeFor(u).getRange(u, r[1], (int) r[2]).length);
    });
    return m.result(String.format(Locale.ROOT, "range GETs of %d MiB", size >> 20), ranges.size(), bytes.get(),
        "(" + ranges.size() + " requests, file bytes)");
  }

  /** A task of the bench's thread pools: the work of item {@code i}. */
  interface Item {
    void run(long i) throws Exception;
  }

  /** Runs items 0..count-1 on {@code threads} threads, each taking the next item; the first failure is thrown. */
  static void onThreads(int threads, long count, Item item) throws Exception {
    AtomicLong next = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(pool.submit(() -> {
          long i;
          while ((i = next.getAndIncrement()) < count) {
            item.run(i);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
