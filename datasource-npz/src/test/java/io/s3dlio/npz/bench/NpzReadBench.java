package io.s3dlio.npz.bench;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpzReader;
import io.s3dlio.npz.format.NpzWriter;
import io.s3dlio.npz.format.RangeSource;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Codec read throughput of a folder of .npz files, against a raw read of the same bytes in the
 * same run (the Spark source has its own bench, {@link NpzSparkBench}). Not a test. Usage (see
 * docs/npz.md):
 *
 * <pre>
 * NpzReadBench &lt;folder-uri&gt; [files=1000] [mib-per-file=4] [threads=2]
 * </pre>
 * The folder is filled first if it holds fewer files. Store settings come from the environment
 * (AWS_ENDPOINT_URL, ...) and from -Ds3dlio.&lt;key&gt;=value system properties.
 */
public final class NpzReadBench {
  private NpzReadBench() {
  }

  public static void main(String[] args) throws Exception {
    ObjectUri dir = ObjectUri.parse(args[0].endsWith("/") ? args[0] : args[0] + "/");
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int mib = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    java.util.Map<String, String> settings = new java.util.TreeMap<>(StoreConfig.fromEnvironment().withPrefix(""));
    System.getProperties().forEach((k, v) -> {
      if (k.toString().startsWith("s3dlio.") && !k.toString().startsWith("s3dlio.golden")) {
        settings.put(k.toString().substring(7), v.toString());
      }
    });
    try (ObjectStore store = ObjectStores.open(dir, StoreConfig.of(settings))) {
      List<ObjectEntry> listed = list(store, dir);
      if (listed.size() < files) {
        fill(store, dir, files, mib);
        listed = list(store, dir);
      }
      List<ObjectEntry> entries = listed.subList(0, files);
      long total = entries.stream().mapToLong(ObjectEntry::size).sum();
      System.out.printf("folder %s: %d files, %.1f MiB%n", dir, files, total / 1048576.0);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int round = 0; round < 2; round++) {
        double raw = run(pool, entries, total, e -> store.get(e.uri()).length);
        double codec = run(pool, entries, total, e -> {
          NpzReader r = NpzReader.open(RangeSource.of(store, e.uri(), e.size()));
          long n = 0;
          for (String a : r.arrayNames()) {
            n += r.read(a).data().length;
          }
          return n;
        });
        System.out.printf("round %d: raw get %.0f MB/s, NpzReader (all members) %.0f MB/s (%.0f%% of raw), %d threads%n",
            round, raw, codec, 100 * codec / raw, threads);
      }
      pool.shutdown();
    }
  }

  interface Read {
    long apply(ObjectEntry e) throws Exception;
  }

  private static double run(ExecutorService pool, List<ObjectEntry> entries, long total, Read read) throws Exception {
    long t0 = System.nanoTime();
    List<Future<Long>> fs = new ArrayList<>();
    for (ObjectEntry e : entries) {
      fs.add(pool.submit(() -> read.apply(e)));
    }
    long n = 0;
    for (Future<Long> f : fs) {
      n += f.get();
    }
    double sec = (System.nanoTime() - t0) / 1e9;
    if (n == 0) {
      throw new IllegalStateException("nothing read");
    }
    return total / 1e6 / sec;
  }

  private static List<ObjectEntry> list(ObjectStore store, ObjectUri dir) throws Exception {
    List<ObjectEntry> out = new ArrayList<>();
    try {
      Iterator<ObjectEntry> it = store.list(dir, ListOptions.recursive());
      while (it.hasNext()) {
        ObjectEntry e = it.next();
        if (!e.isPrefix() && e.uri().key().endsWith(".npz")) {
          out.add(e);
        }
      }
    } catch (java.io.IOException | java.io.UncheckedIOException missing) {
      // empty folder
    }
    return out;
  }

  /** Files of x: float32 (rows, 256) and y: int64 (rows,), about {@code mib} MiB each, stored. */
  private static void fill(ObjectStore store, ObjectUri dir, int files, int mib) throws Exception {
    int rows = (int) ((mib * 1048576L - 4096) / (256 * 4 + 8));
    Random rnd = new Random(42);
    byte[] x = new byte[rows * 256 * 4];
    rnd.nextBytes(x);
    byte[] y = new byte[rows * 8];
    rnd.nextBytes(y);
    for (int i = 0; i < files; i++) {
      ObjectWriter w = store.openWriter(dir.child(String.format("f%05d.npz", i)));
      try (NpzWriter npz = NpzWriter.stored(w)) {
        npz.add("x", new NpyArray(NpyDtype.of('f', 4), new long[] {rows, 256}, x));
        npz.add("y", new NpyArray(NpyDtype.of('i', 8), new long[] {rows}, y));
      }
    }
  }
}
