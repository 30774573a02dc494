package io.s3dlio.checkpoint.bench;

import io.s3dlio.checkpoint.Checkpoint;
import io.s3dlio.checkpoint.CheckpointInfo;
import io.s3dlio.checkpoint.CheckpointOptions;
import io.s3dlio.checkpoint.CheckpointStore;
import io.s3dlio.checkpoint.DType;
import io.s3dlio.checkpoint.TensorSource;
import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.dist.InProcessCollective;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checkpoint save/load against raw put/get of the same bytes on the same store. Not a test; run by
 * {@code checkpoint/bench/run-checkpoint-bench.sh}.
 *
 * <pre>
 * CheckpointBench raw  ROOT_URI TOTAL_MIB RANKS ROUNDS [key=value ...]
 * CheckpointBench zstd ROOT_URI TOTAL_MIB RANKS ROUNDS [key=value ...]
 * </pre>
 * {@code raw}: each round, RANKS streams write TOTAL/RANKS MiB each with {@code openWriter} (the
 * store's parallel multipart upload), then read them back with parallel 8 MiB ranged GETs on
 * {@code checkpoint.io-threads} threads; then the same bytes are saved as one checkpoint of RANKS
 * shards (8 tensors per rank, uncompressed) and loaded tensor by tensor (each tensor by parallel
 * ranged reads). Prints {@code metric MB/s} lines. Every rank writes the same buffer (content does
 * not matter uncompressed; it keeps the bench's heap at one rank's share).
 *
 * <p>{@code zstd}: the same save/load with zstd at levels 1 and 3, on two kinds of float32 weights
 * (distinct per rank): {@code fp32}, N(0, 0.02) scaled per row by a log-normal factor (what fp32
 * training leaves: full 23-bit mantissas), and {@code bf16-master}, the same values rounded to
 * bfloat16 and stored as float32 (what mixed-precision training's bf16 weights look like when saved
 * as fp32: the low 16 bits are zero). Prints the ratio and MB/s of raw bytes.
 */
public final class CheckpointBench {
  private static final double MB = 1e6;
  private static final int TENSORS_PER_RANK = 8;
  private static final int RANGE = 8 << 20;

  private CheckpointBench() {
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    ObjectUri root = ObjectUri.parseOrLocalPath(args[1].endsWith("/") ? args[1] : args[1] + "/");
    long total = Long.parseLong(args[2]) << 20;
    int ranks = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    Map<String, String> conf = new HashMap<>();
    for (int i = 5; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    StoreConfig config = StoreConfig.fromEnvironment().with(conf);
    try (StoreRegistry reg = new StoreRegistry(config)) {
      ObjectStore store = reg.storeFor(root);
      CheckpointOptions opts = CheckpointOptions.from(config);
      if (mode.equals("raw")) {
        raw(store, root, total / ranks, ranks, rounds, opts);
      } else {
        zstd(store, root, total / ranks, ranks, opts);
      }
    }
  }

  private static void raw(ObjectStore store, ObjectUri root, long perRank, int ranks, int rounds,
      CheckpointOptions opts) throws Exception {
    byte[] buf = weights((int) perRank, 1, false);
    List<double[]> ratios = new ArrayList<>();
    byte[] small = java.util.Arrays.copyOf(buf, (int) Math.max(RANGE, perRank / 8));
    for (int round = 0; round <= rounds; round++) {   // round 0, an eighth of the size, warms the JIT and the store up
      byte[] data = round == 0 ? small : buf;
      long size = data.length;
      ObjectUri dir = root.child("raw-" + round + "/");
      double put = timed(ranks * size, () -> parallel(ranks, r -> {
        try (ObjectWriter w = store.openWriter(dir.child("rank-" + r))) {
          for (int off = 0; off < data.length; off += RANGE) {
            w.write(data, off, Math.min(RANGE, data.length - off));
          }
        }
        return null;
      }));
      ExecutorService io = Executors.newFixedThreadPool(opts.ioThreads());
      double get;
      try {
        get = timed(ranks * size, () -> {
          List<Future<Integer>> fs = new ArrayList<>();
          for (int r = 0; r < ranks; r++) {
            ObjectUri u = dir.child("rank-" + r);
            for (long off = 0; off < size; off += RANGE) {
              long o = off;
              fs.add(io.submit(() -> store.getRange(u, o, (int) Math.min(RANGE, size - o)).length));   // bytes dropped
            }
          }
          for (Future<Integer> f : fs) {
            f.get();
          }
          return null;
        });
      } finally {
        io.shutdown();
      }
      deleteAll(store, dir);

      ObjectUri ckRoot = root.child("ckpt-" + round + "/");
      double save;
      double load;
      try (CheckpointStore cs = CheckpointStore.open(store, ckRoot, opts.withCompression(CheckpointOptions.Compression.NONE))) {
        save = timed(ranks * size, () -> save(cs, ranks, r -> data));
        load = timed(ranks * size, () -> load(cs, ranks));
      }
      deleteAll(store, ckRoot);
      if (round == 0) {
        continue;
      }
      ratios.add(new double[] {save / put, load / get});
      System.out.printf("round %d raw_put_MBps %.0f save_MBps %.0f save/put %.2f raw_get_MBps %.0f load_MBps %.0f"
          + " load/get %.2f%n", round, put, save, save / put, get, load, load / get);
    }
    System.out.printf("median save/put %.2f load/get %.2f%n", median(ratios, 0), median(ratios, 1));
  }

  private static double median(List<double[]> rows, int col) {
    double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void zstd(ObjectStore store, ObjectUri root, long perRank, int ranks, CheckpointOptions opts)
      throws Exception {
    for (boolean bf16 : new boolean[] {false, true}) {
      List<byte[]> data = new ArrayList<>();
      for (int r = 0; r < ranks; r++) {
        data.add(weights((int) perRank, 100 + r, bf16));
      }
      for (int level : new int[] {1, 3}) {
        ObjectUri ckRoot = root.child("zstd-" + (bf16 ? "bf16" : "fp32") + "-" + level + "/");
        try (CheckpointStore cs = CheckpointStore.open(store, ckRoot,
            opts.withCompression(CheckpointOptions.Compression.ZSTD).withZstdLevel(level))) {
          long[] stored = new long[1];
          double save = timed(ranks * perRank, () -> {
            stored[0] = save(cs, ranks, data::get).totalBytes();
            return null;
          });
          double load = timed(ranks * perRank, () -> load(cs, ranks));
          System.out.printf("weights %s level %d ratio %.3f save_MBps %.0f load_MBps %.0f%n",
              bf16 ? "bf16-master" : "fp32", level, (double) (ranks * perRank) / stored[0], save, load);
        }
        deleteAll(store, ckRoot);
      }
    }
  }

  interface RankData {
    byte[] of(int rank);
  }

  private static CheckpointInfo save(CheckpointStore cs, int ranks, RankData data) throws Exception {
    List<CheckpointCollective> g = InProcessCollective.create(ranks, Duration.ofMinutes(30));
    List<CheckpointInfo> infos = parallel(ranks, r -> {
      byte[] b = data.of(r);
      int per = b.length / TENSORS_PER_RANK;
      List<TensorSource> ts = new ArrayList<>();
      for (int t = 0; t < TENSORS_PER_RANK; t++) {
        ByteBuffer slice = ByteBuffer.wrap(b, t * per, per).slice();
        ts.add(TensorSource.of("layer." + t + ".weight", DType.FLOAT32, new long[] {per / 4}, slice));
      }
      return cs.save(1, ts, Map.of("bench", "true"), g.get(r));
    });
    return infos.get(0);
  }

  private static Void load(CheckpointStore cs, int ranks) throws Exception {
    Checkpoint ck = cs.load(1);
    parallel(ranks, r -> {
      for (int t = 0; t < TENSORS_PER_RANK; t++) {
        ck.read(r, "layer." + t + ".weight");
      }
      return null;
    });
    return null;
  }

  interface RankTask<T> {
    T run(int rank) throws Exception;
  }

  private static <T> List<T> parallel(int n, RankTask<T> task) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        fs.add(ex.submit((Callable<T>) () -> task.run(rank)));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get());
      }
      return out;
    } finally {
      ex.shutdown();
    }
  }

  private static double timed(long bytes, Callable<?> c) throws Exception {
    long t0 = System.nanoTime();
    c.call();
    return bytes / MB / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Float32 weights like a trained layer: rows of 4096 values N(0, 0.02) times a log-normal row
   * scale; {@code bf16} rounds each to bfloat16 (round to nearest even) and stores it as float32.
   */
  static byte[] weights(int bytes, long seed, boolean bf16) {
    SplittableRandom r = new SplittableRandom(seed);
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float scale = 1;
    for (int i = 0; i < bytes / 4; i++) {
      if (i % 4096 == 0) {
        scale = (float) Math.exp(gaussian(r) * 0.3);
      }
      float v = (float) (gaussian(r) * 0.02) * scale;
      if (bf16) {
        int bits = Float.floatToRawIntBits(v);
        bits = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        v = Float.intBitsToFloat(bits);
      }
      b.putFloat(v);
    }
    return b.array();
  }

  /** A standard normal value (Box-Muller; SplittableRandom has no nextGaussian on Java 17). */
  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static void deleteAll(ObjectStore store, ObjectUri dir) throws Exception {
    List<ObjectUri> all = new ArrayList<>();
    Iterator<ObjectEntry> it = store.list(dir, ListOptions.recursive());
    it.forEachRemaining(e -> all.add(e.uri()));
    for (int i = 0; i < all.size(); i += store.bulkDeletePageSize()) {
      store.deleteAll(all.subList(i, Math.min(all.size(), i + store.bulkDeletePageSize())));
    }
    if (dir.scheme().isLocal()) {
      try (var w = java.nio.file.Files.walk(java.nio.file.Path.of(dir.key()))) {
        w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
