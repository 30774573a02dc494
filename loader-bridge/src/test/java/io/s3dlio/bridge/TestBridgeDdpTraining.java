package io.s3dlio.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3dlio.bridge.BridgeTestSupport.Py;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainers in PyTorch DDP (gloo, CPU) over the bridge: equal steps on every rank, every sample once
 * per epoch, and a rank killed mid-epoch restarted from its saved state continues the exact
 * sequence (bitwise-equal weights), also with a different number of ranks.
 */
class TestBridgeDdpTraining {
  private static final int ROWS = 960; // a multiple of 2 x 8 and of 3 x 8: no tail dropped
  private static final int EPOCHS = 3;

  @TempDir
  Path dir;

  private static BridgeFeed start(Dataset<Row> df, int world) {
    return BridgeFeed.builder(df).worldSize(world).batchSize(8).seed(5).tensor("x", 4)
        .option(BridgeOptions.BLOCK_PARTITIONS, "2").start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private List<Py> trainers(BridgeFeed feed, Path work, boolean resume) throws IOException {
    Files.createDirectories(work);
    int port = freePort();
    List<Py> out = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      List<String> args = new ArrayList<>(List.of("tests/ddp_trainer.py", "--rank", "" + r, "--world-size", "2",
          "--dist-port", "" + port, "--epochs", "" + EPOCHS, "--workdir", work.toString()));
      if (resume) {
        args.add("--resume");
      }
      out.add(BridgeTestSupport.python(work, "trainer" + r + (resume ? "-resumed" : ""), feed.environment(), args));
    }
    return out;
  }

  /** epoch -> (position -> ids) from log lines, keeping those {@code keep} accepts. */
  private static void collect(Path log, Map<Long, TreeMap<Long, List<Long>>> into, long untilEpoch, long untilOffset)
      throws IOException {
    for (JsonNode n : BridgeTestSupport.lines(log)) {
      long epoch = n.get("epoch").asLong();
      long position = n.get("position").asLong();
      if (epoch > untilEpoch || (epoch == untilEpoch && position >= untilOffset)) {
        continue;
      }
      List<Long> ids = new ArrayList<>();
      n.get("ids").forEach(i -> ids.add(i.asLong()));
      List<Long> previous = into.computeIfAbsent(epoch, e -> new TreeMap<>()).put(position, ids);
      assertThat(previous).as("epoch %d position %d delivered twice", epoch, position).isNull();
    }
  }

  private static List<Long> sequence(Map<Long, TreeMap<Long, List<Long>>> byEpoch, long epoch, long from) {
    List<Long> out = new ArrayList<>();
    byEpoch.get(epoch).tailMap(from).values().forEach(out::addAll);
    return out;
  }

  private static String waitFor(Py p, String line, long seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      String out = p.out();
      if (out.contains(line)) {
        return out;
      }
      if (!p.process.isAlive()) {
        throw new AssertionError(p.name + " ended before printing '" + line + "': " + out + p.err());
      }
      Thread.sleep(50);
    }
    throw new AssertionError(p.name + " did not print '" + line + "' in " + seconds + " s");
  }

  @Test
  void ddpTrainingIsExactAcrossRanksEpochsAndRestarts() throws Exception {
    Dataset<Row> df = BridgeTestSupport.samples(ROWS, 8);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Map<Long, TreeMap<Long, List<Long>>> full = new HashMap<>();
    try (BridgeFeed feed = start(df, 2)) {
      // A: uninterrupted
      for (Py p : trainers(feed, a, false)) {
        p.awaitOk(300);
        for (int e = 0; e < EPOCHS; e++) {
          assertThat(p.out()).contains("epoch " + e + " steps 60");
        }
      }
      for (int r = 0; r < 2; r++) {
        List<JsonNode> lines = BridgeTestSupport.lines(a.resolve("log-r" + r + ".jsonl"));
        assertThat(lines).as("rank %d steps", r).hasSize(EPOCHS * 60);
        collect(a.resolve("log-r" + r + ".jsonl"), full, Long.MAX_VALUE, 0);
      }
      for (long e = 0; e < EPOCHS; e++) {
        List<Long> seq = sequence(full, e, 0);
        assertThat(seq).hasSize(ROWS);
        assertThat(seq).as("epoch %d: every id once", e).doesNotHaveDuplicates();
        assertThat(seq.stream().mapToLong(Long::longValue).sum()).isEqualTo((long) ROWS * (ROWS - 1) / 2);
      }
      assertThat(sequence(full, 0, 0)).isNotEqualTo(sequence(full, 1, 0));

      // B: killed in the middle of epoch 1, restarted from rank 0's last checkpoint
      List<Py> killed = trainers(feed, b, false);
      waitFor(killed.get(1), "step 1 20", 300);
      killed.get(1).process.destroyForcibly().waitFor();
      killed.get(0).process.destroyForcibly().waitFor();
      JsonNode state = new ObjectMapper().readTree(Files.readString(b.resolve("state.json")));
      Files.copy(b.resolve("state.json"), dir.resolve("state-at-kill.json"));
      long epoch = state.get("epoch").asLong();
      long stateOffset = state.get("offset").asLong();
      assertThat(epoch).isEqualTo(1);
      assertThat(stateOffset).isPositive().isLessThan(ROWS);
      assertThat(state.get("fingerprint").asText()).isEqualTo(feed.fingerprint());
      // The ranks resume from ckpt.pt; rank 0 replaces it before state.json, so a kill between the two
      // leaves state.json one step (16 rows) behind: the offset the ranks resume from is the one used.
      List<Py> resumed = trainers(feed, b, true);
      long offset = -1;
      for (Py p : resumed) {
        p.awaitOk(300);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("resumed epoch 1 offset (\\d+)").matcher(p.out());
        assertThat(m.find()).as("%s resumed: %s", p.name, p.out()).isTrue();
        long at = Long.parseLong(m.group(1));
        assertThat(offset).as("both ranks resume at the same offset").isIn(-1L, at);
        offset = at;
        assertThat(p.out()).contains("epoch 1 steps " + (ROWS - offset) / 16);
      }
      assertThat(offset).isIn(stateOffset, stateOffset + 16);
      Map<Long, TreeMap<Long, List<Long>>> restarted = new HashMap<>();
      for (int r = 0; r < 2; r++) {
        collect(b.resolve("log-r" + r + ".jsonl"), restarted, epoch, offset);
        collect(b.resolve("log-r" + r + "-resumed.jsonl"), restarted, Long.MAX_VALUE, 0);
      }
      for (long e = 0; e < EPOCHS; e++) {
        assertThat(sequence(restarted, e, 0)).as("epoch %d after the restart", e).isEqualTo(sequence(full, e, 0));
      }
      assertThat(Files.readString(b.resolve("weights.json"))).as("weights bitwise equal")
          .isEqualTo(Files.readString(a.resolve("weights.json")));
    }

    // C: the same saved state, continued by three ranks
    try (BridgeFeed three = start(df, 3)) {
      Path c = Files.createDirectories(dir.resolve("c"));
      List<Py> ranks = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        ranks.add(BridgeTestSupport.consumer(c, three, r, 3, "--state", dir.resolve("state-at-kill.json").toString(),
            "--epochs", "2"));
      }
      for (Py p : ranks) {
        p.awaitOk(120);
      }
      Map<Long, TreeMap<Long, List<Long>>> wider = new HashMap<>();
      JsonNode state = new ObjectMapper().readTree(Files.readString(dir.resolve("state-at-kill.json")));
      long offset = state.get("offset").asLong();
      for (int r = 0; r < 3; r++) {
        for (JsonNode n : BridgeTestSupport.batches(c.resolve("rank" + r + ".jsonl"))) {
          List<Long> ids = new ArrayList<>();
          n.get("ids").forEach(i -> ids.add(i.asLong()));
          wider.computeIfAbsent(n.get("epoch").asLong(), e -> new TreeMap<>()).put(n.get("position").asLong(), ids);
        }
      }
      List<Long> rest = sequence(wider, 1, offset);
      List<Long> expected = sequence(full, 1, offset);
      assertThat(expected.size() - rest.size()).as("at most one global step of 24 dropped").isBetween(0, 23);
      assertThat(rest).isEqualTo(expected.subList(0, rest.size()));
      assertThat(sequence(wider, 2, 0)).isEqualTo(sequence(full, 2, 0));
    }
  }
}
