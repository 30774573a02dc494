package io.s3dlio.checkpoint;

import io.s3dlio.store.StoreConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of {@link AbstractKillTest}: saves checkpoints one after another (each the step
 * after the latest), and prunes to 2 after every second save, until it is killed. Prints
 * {@code READY}, then {@code SAVING <step>} and {@code COMMITTED <step>} around each save. Not a test.
 *
 * <pre>KillSaver ROOT_URI SEED [key=value ...]</pre>
 */
public final class KillSaver {
  private KillSaver() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> conf = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    long seed = Long.parseLong(args[1]);
    Random r = new Random(seed);
    conf.putIfAbsent(CheckpointOptions.COMPRESSION, r.nextBoolean() ? "zstd" : "none");
    conf.putIfAbsent(CheckpointOptions.CHUNK_SIZE, "64k");
    conf.putIfAbsent(CheckpointOptions.PRUNE_GRACE, "0");
    long deadline = System.currentTimeMillis() + 120_000;
    try (CheckpointStore cs = CheckpointStore.open(args[0], StoreConfig.of(conf))) {
      cs.latest();   // the store's client is up before the kill clock starts
      System.out.println("READY");
      System.out.flush();
      int saves = 0;
      while (System.currentTimeMillis() < deadline) {
        long step = cs.latest().map(i -> i.step() + 1).orElse(1L);
        List<TensorSource> tensors = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int t = 0; t < n; t++) {
          tensors.add(Fixtures.randomF32("t" + t, 50_000 + r.nextInt(400_000), seed * 1000 + step * 10 + t));
        }
        System.out.println("SAVING " + step);
        System.out.flush();
        try {
          cs.save(step, tensors, Map.of("seed", Long.toString(seed)));
          System.out.println("COMMITTED " + step);
        } catch (CheckpointExistsException e) {
          System.out.println("EXISTS " + step);
        }
        System.out.flush();
        if (++saves % 2 == 0) {
          cs.prune(2);
          System.out.println("PRUNED");
          System.out.flush();
        }
      }
    }
  }
}
