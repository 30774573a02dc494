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
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loader benchmark of docs/loader.md (run by loader-bridge/bench/run-loader-bench.sh):
 * SAMPLES TFRecord records of about RECORD bytes in FILES files, on the S3 test server (S3Proxy)
 * and on local disk, read four ways in the same run:
 * <ol>
 *   <li>ceiling: one sequential streaming read of every file, one after the other (measured first
 *       and again last; the ratios use the mean);</li>
 *   <li>loader: TfRecordDataset by index through the DataLoader, block shuffle (blocks of one
 *       batch), WORKERS concurrent fetches;</li>
 *   <li>loader, full shuffle: the same with every index shuffled (the price of full mixing);</li>
 *   <li>baseline: one range GET per sample, in the block-shuffle order, on WORKERS threads.</li>
 * </ol>
 * Prints MB/s and samples/s of each and the ratios. The two slow ways (marked *) read only the
 * first SUBSET positions (default 25,000) to keep the run short; their rates are of that part.
 * The local target runs ROUNDS times (default 2; the first warms the JIT up) and the S3 target
 * once after it.
 *
 * <p>Arguments (all optional): {@code --samples N --record-bytes B --files F --batch N --workers N
 * --target s3|local|both --dir PATH --skip-full}.
 */
public final class LoaderBench {
  private LoaderBench() {
  }

  record Result(String name, long samples, long bytes, double seconds, String extra) {
    double mbps() {
      return bytes / seconds / 1e6;
    }

    double sps() {
      return samples / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int samples = 100_000;
    int recordBytes = 4096;
    int files = 10;
    int batch = 256;
    int workers = 8;
    String target = "both";
    Path dir = Path.of("loader-bridge/target/bench");
    boolean full = true;
    int subset = 25_000;
    int rounds = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        case "--record-bytes" -> recordBytes = Integer.parseInt(args[++i]);
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--target" -> target = args[++i];
        case "--dir" -> dir = Path.of(args[++i]);
        case "--skip-full" -> full = false;
        case "--subset" -> subset = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "loader bench: %d samples of ~%d bytes in %d files, batch %d, %d workers, %d cpus%n",
        samples, recordBytes, files, batch, workers, Runtime.getRuntime().availableProcessors());
    byte[][] data = makeFiles(samples, recordBytes, files);
    if (target.equals("local") || target.equals("both")) {
      Files.createDirectories(dir);
      try (StoreRegistry stores = new StoreRegistry(StoreConfig.EMPTY)) {
        ObjectUri root = ObjectUri.local(ObjectUri.Scheme.FILE, dir.toAbsolutePath() + "/tf/");
        for (int r = 1; r <= rounds; r++) {
          System.out.printf(Locale.ROOT, "%n-- round %d of %d%s --%n", r, rounds, r < rounds ? " (warm-up)" : "");
          run("file://", stores, root, data, batch, workers, full, subset);
        }
      }
    }
    if (target.equals("s3") || target.equals("both")) {
      S3ProxyServer server = S3ProxyServer.get();
      server.createBucket("bench");
      try (StoreRegistry stores = new StoreRegistry(server.storeConfig())) {
        run("s3:// (S3Proxy)", stores, ObjectUri.parse("s3://bench/tf/"), data, batch, workers, full, subset);
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

  static void run(String where, StoreRegistry stores, ObjectUri root, byte[][] data, int batch, int workers,
      boolean full, int subset) throws Exception {
    List<ObjectUri> uris = new ArrayList<>();
    for (int f = 0; f < data.length; f++) {
      ObjectUri u = root.child(String.format("part-%05d.tfrecord", f));
      stores.storeFor(u).put(u, data[f]);
      new DaliIndexer(stores).index(u, null, IndexOptions.DEFAULT.withOverwrite(true));
      uris.add(u);
    }
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(uris).build();
    System.out.printf(Locale.ROOT, "%n== %s: %d records, %.1f MB ==%n", where, ds.size(), total(data) / 1e6);
    List<Result> results = new ArrayList<>();
    results.add(sequential(stores, uris, ds.size()));
    LoaderOptions block = LoaderOptions.builder().batchSize(batch).shuffle(true).shuffleBlock(batch).seed(7)
        .numWorkers(workers).build();
    Result loader = loader("loader, block shuffle", ds, block, Long.MAX_VALUE);
    results.add(loader);
    if (full) {
      results.add(loader("loader, full shuffle*", ds, LoaderOptions.builder().batchSize(batch).shuffle(true).seed(7)
          .numWorkers(workers).build(), subset));
    }
    Result baseline = perSampleGets(stores, ds, new BlockShuffleSampler(ds.size(), batch, 7), workers,
        Math.min(subset, ds.size()));
    results.add(baseline);
    // The machine's load changes during a run: the ceiling is measured before and after, and the
    // ratios use the mean of the two.
    Result again = sequential(stores, uris, ds.size());
    results.add(new Result("ceiling again", again.samples(), again.bytes(), again.seconds(), ""));
    Result first = results.get(0);
    Result ceiling = new Result("ceiling (mean)", first.samples(), first.bytes(),
        2 * first.bytes() / (first.mbps() + again.mbps()) / 1e6, "");
    results.add(ceiling);
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-26s %9.1f MB/s %10.0f samples/s  %6.2fx ceiling %7.2fx per-sample GETs  %s%n",
          r.name(), r.mbps(), r.sps(), r.mbps() / ceiling.mbps(), r.mbps() / baseline.mbps(), r.extra());
    }
    System.out.printf(Locale.ROOT, "RATIO %s loader/ceiling=%.2f loader/per-sample=%.2f%n", where,
        loader.mbps() / ceiling.mbps(), loader.mbps() / baseline.mbps());
  }

  static long total(byte[][] d) {
    long t = 0;
    for (byte[] b : d) {
      t += b.length;
    }
    return t;
  }

  /** (a) One sequential read of every file, one after the other, as the payload bytes the loader delivers. */
  static Result sequential(StoreRegistry stores, List<ObjectUri> uris, long records) throws IOException {
    byte[] buf = new byte[1 << 20];
    long bytes = 0;
    long t0 = System.nanoTime();
    for (ObjectUri u : uris) {
      try (InputStream in = stores.storeFor(u).openRange(u, 0, -1)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          bytes += n;
        }
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    // count payload bytes only, as the loader does
    return new Result("ceiling: sequential read", records, bytes - records * TfRecordFraming.OVERHEAD, s, "");
  }

  /** Reads through the loader until the epoch ends or {@code limit} samples were delivered. */
  static Result loader(String name, TfRecordDataset ds, LoaderOptions o, long limit) {
    long bytes = 0;
    long n = 0;
    long t0 = System.nanoTime();
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
    double s = (System.nanoTime() - t0) / 1e9;
    return new Result(name, n, bytes, s, String.format(Locale.ROOT,
        "(%d requests, latency p50 %.1f ms p99 %.1f ms)", m.requests(), m.latencyP50Millis(), m.latencyP99Millis()));
  }

  /**
   * (b) One range GET per sample, in the given order, on {@code workers} threads, checking each
   * record's data CRC as the loader does; the first {@code n} positions.
   */
  static Result perSampleGets(StoreRegistry stores, TfRecordDataset ds, BlockShuffleSampler order, int workers, long n)
      throws Exception {
    AtomicLong next = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        fs.add(pool.submit(() -> {
          long p;
          while ((p = next.getAndIncrement()) < n) {
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
    double s = (System.nanoTime() - t0) / 1e9;
    return new Result("baseline: GET per sample*", n, bytes.get(), s, "");
  }
}
