package io.s3dlio.cli;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.metrics.OpSnapshot;
import io.s3dlio.store.metrics.StoreMetrics;
import io.s3dlio.store.metrics.StoreOp;
import io.s3dlio.store.s3.S3StoreConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code s3dlio bench put|get|list URI}: a load generator on any backend. {@code put} writes
 * {@code --objects} objects of {@code --size} bytes of synthetic data ({@link DataGen}: dedup and
 * compression knobs) under the prefix, {@code get} reads the objects found under it, {@code list}
 * lists it; {@code --concurrency} workers run {@code --ops} operations (default: one per object) or
 * for {@code --duration}. The summary has ops/s, MB/s and the HDR latency percentiles of every
 * store operation involved (from the store's {@link StoreMetrics}), as a table or {@code --json};
 * {@code --plot} draws their percentile spectrum.
 */
@Command(name = "bench", description = "Benchmark put, get or list against a URI prefix: throughput and HDR latency "
    + "percentiles of every store operation.")
final class BenchCommand implements Callable<Integer> {
  /** Objects up to this size are generated whole and sent with one put; larger ones stream. */
  private static final long WHOLE_PUT_MAX = 16L << 20;

  enum Kind { put, get, list }

  @ParentCommand
  S3dlioCli root;

  @Parameters(index = "0", paramLabel = "put|get|list", description = "What to run: ${COMPLETION-CANDIDATES}.")
  Kind kind;

  @Parameters(index = "1", paramLabel = "URI", description = "Prefix the objects live under (bench/obj-00000000 ...).")
  String uri;

  @Option(names = {"-n", "--objects"}, defaultValue = "100", description = "Objects to write (put) or at most to "
      + "read (get) (default ${DEFAULT-VALUE}).")
  int objects;

  @Option(names = {"-s", "--size"}, defaultValue = "1m", paramLabel = "SIZE",
      description = "Object size for put: bytes or k, m, g (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = {"-c", "--concurrency"}, defaultValue = "8", description = "Parallel workers (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--ops", paramLabel = "N", description = "Operations to run (default: one per object; list: 10).")
  Long ops;

  @Option(names = {"-d", "--duration"}, paramLabel = "DUR", description = "Run for this long instead of a count "
      + "(e.g. 30s, 2m).")
  String duration;

  @Option(names = "--dedup", defaultValue = "1", description = "Dedup factor of the data: 1 all blocks distinct, "
      + "2 every block twice ... (default ${DEFAULT-VALUE}).")
  double dedup;

  @Option(names = "--compress", defaultValue = "1", description = "Compression ratio of the data: 1 random, "
      + "2 half zeros ... (default ${DEFAULT-VALUE}).")
  double compress;

  @Option(names = "--json", description = "Print the summary as JSON on stdout.")
  boolean json;

  @Option(names = "--plot", paramLabel = "FILE", description = "Draw the latency percentile spectrum of each "
      + "operation to FILE (.png or .html).")
  Path plot;

  @Option(names = "--no-progress", description = "No progress output.")
  boolean noProgress;

  /** What one run did. */
  record Result(String kind, String uri, long ops, long errors, long bytes, double seconds, List<OpSnapshot> storeOps) {
    double opsPerSecond() {
      return ops / seconds;
    }

    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }
  }

  @Override
  public Integer call() throws Exception {
    long objectSize = StoreConfig.parseBytes("--size", size);
    if (objects < 1 || concurrency < 1 || objectSize < 0 || ops != null && ops < 1) {
      throw new IllegalArgumentException("bad bench options: --objects " + objects + ", --concurrency " + concurrency
          + ", --size " + size + (ops == null ? "" : ", --ops " + ops) + " (need >= 1, size >= 0)");
    }
    DataGen gen = new DataGen(objectSize, dedup, compress);
    long deadline = duration == null ? Long.MAX_VALUE
        : System.nanoTime() + S3StoreConfig.parseDuration("--duration", duration).toNanos();
    ObjectUri prefix = Uris.asDirectory(ObjectUri.parseOrLocalPath(uri));
    root.context().reportsMetrics();
    ObjectStore store = root.context().store(prefix);
    if (!(store instanceof MeteredObjectStore metered) || metered.metrics() == null) {
      throw new IllegalStateException("bench " + prefix + ": needs the store metrics (metrics.enabled=true)");
    }
    List<ObjectUri> keys = kind == Kind.get ? existing(store, prefix) : List.of();
    long count = duration != null ? Long.MAX_VALUE
        : ops != null ? ops : kind == Kind.list ? 10 : kind == Kind.get ? keys.size() : objects;
    PrintStream err = root.context().err();
    Progress progress = noProgress ? Progress.none()
        : Progress.create(err, duration != null ? -1 : count, kind == Kind.put && duration == null ? count * objectSize
            : 0, "ops", "bench " + kind, "bench " + kind + " done:");
    Map<StoreOp, OpSnapshot> before = byOp(metered.metrics().snapshot());

    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "s3dlio-bench");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(pool.submit(() -> {
          byte[] buf = new byte[(int) Math.min(Math.max(objectSize, 1), WHOLE_PUT_MAX)];
          long i;
          while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
            try {
              long n = switch (kind) {
                case put -> put(store, prefix, i, gen, buf);
                case get -> get(store, keys.get((int) (i % keys.size())), buf);
                case list -> list(store, prefix);
              };
              bytes.addAndGet(n);
              progress.add(n);
            } catch (IOException | RuntimeException e) {
              errors.incrementAndGet();
              firstError.compareAndSet(null, e);
            }
            done.incrementAndGet();
            progress.fileDone();
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      progress.finish();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<OpSnapshot> delta = new ArrayList<>();
    for (OpSnapshot s : metered.metrics().snapshot()) {
      OpSnapshot d = s.minus(before.get(s.op()));
      if (d.count() + d.errors() > 0) {
        delta.add(d);
      }
    }
    Result r = new Result(kind.name(), prefix.toString(), done.get(), errors.get(), bytes.get(), seconds, delta);
    PrintStream out = root.context().out();
    out.println(json ? json(r) : table(r));
    out.flush();
    if (plot != null) {
      new LatencyPlot("s3dlio bench " + kind + " " + prefix, delta).write(plot);
    }
    if (firstError.get() != null) {
      throw new IOException("bench " + kind + ": " + errors.get() + " of " + done.get() + " operations failed, the first: "
          + firstError.get().getMessage(), firstError.get());
    }
    return 0;
  }

  private static String key(long i, int objects) {
    return String.format(Locale.ROOT, "obj-%08d", i % objects);
  }

  private long put(ObjectStore store, ObjectUri prefix, long i, DataGen gen, byte[] buf) throws IOException {
    ObjectUri u = prefix.child(key(i, objects));
    long size = gen.size();
    if (size <= WHOLE_PUT_MAX) {
      byte[] data = size == buf.length ? buf : new byte[(int) size];
      gen.fill(i, 0, data, 0, data.length);
      store.put(u, data);
      return size;
    }
    ObjectWriter w = store.openWriter(u);
    try {
      for (long pos = 0; pos < size; pos += buf.length) {
        int n = (int) Math.min(buf.length, size - pos);
        gen.fill(i, pos, buf, 0, n);
        w.write(buf, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      w.abort();
      throw e;
    }
    w.close();
    return size;
  }

  private static long get(ObjectStore store, ObjectUri u, byte[] buf) throws IOException {
    long total = 0;
    try (InputStream in = store.openRange(u, 0, -1)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
    }
    return total;
  }

  private static long list(ObjectStore store, ObjectUri prefix) throws IOException {
    Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive());
    while (it.hasNext()) {
      it.next();
    }
    return 0;
  }

  /** The objects a get bench reads: up to --objects keys under the prefix. */
  private List<ObjectUri> existing(ObjectStore store, ObjectUri prefix) throws IOException {
    List<ObjectUri> keys = new ArrayList<>();
    Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive());
    while (it.hasNext() && keys.size() < objects) {
      ObjectEntry e = it.next();
      if (!e.isPrefix() && !e.uri().key().endsWith("/")) {
        keys.add(e.uri());
      }
    }
    if (keys.isEmpty()) {
      throw new FileNotFoundException("bench get " + prefix + ": no objects under the prefix (run bench put first)");
    }
    return keys;
  }

  private static Map<StoreOp, OpSnapshot> byOp(List<OpSnapshot> list) {
    Map<StoreOp, OpSnapshot> m = new HashMap<>();
    list.forEach(s -> m.put(s.op(), s));
    return m;
  }

  static String table(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "bench %s %s: %d ops in %.2f s, %.1f ops/s, %.2f MB/s (%s/s), %d errors%n",
        r.kind(), r.uri(), r.ops(), r.seconds(), r.opsPerSecond(), r.megabytesPerSecond(),
        Format.bytes(r.bytes() / r.seconds()), r.errors()));
    sb.append(String.format(Locale.ROOT, "%-12s %8s %7s %11s", "store op", "count", "errors", "bytes"));
    for (double p : OpSnapshot.PERCENTILES) {
      sb.append(String.format(Locale.ROOT, " %9s", OpSnapshot.label(p)));
    }
    sb.append(String.format(Locale.ROOT, " %9s   (latency in ms)%n", "max"));
    for (OpSnapshot s : r.storeOps()) {
      sb.append(String.format(Locale.ROOT, "%-12s %8d %7d %11s", s.op().logName(), s.count(), s.errors(),
          Format.bytes(s.bytes())));
      for (double p : OpSnapshot.PERCENTILES) {
        sb.append(String.format(Locale.ROOT, " %9.3f", s.percentileMicros(p) / 1000.0));
      }
      sb.append(String.format(Locale.ROOT, " %9.3f%n", s.maxMicros() / 1000.0));
    }
    return sb.toString().stripTrailing();
  }

  static String json(Result r) {
    return String.format(Locale.ROOT, "{\"bench\":\"%s\",\"uri\":\"%s\",\"ops\":%d,\"errors\":%d,\"bytes\":%d,"
        + "\"seconds\":%.3f,\"ops_per_sec\":%.2f,\"mb_per_sec\":%.3f,\"store_ops\":%s}", r.kind(),
        r.uri().replace("\\", "\\\\").replace("\"", "\\\""), r.ops(), r.errors(), r.bytes(), r.seconds(),
        r.opsPerSecond(), r.megabytesPerSecond(), StoreMetrics.toJson(r.storeOps()));
  }
}
