package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.checkpoint.format.Layout;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A saving JVM ({@link KillSaver}) killed with SIGKILL at seeded random moments, again and again on
 * the same root. After every kill: no partial checkpoint is listed or loadable, every listed
 * checkpoint verifies byte for byte, latest loads, the latest pointer names a committed
 * checkpoint, and the two newest checkpoints the child saw committed are still there (its prune to
 * 2 never deleted a committed checkpoint it should keep).
 */
abstract class AbstractKillTest {
  static final int KILLS = 20;
  static final long SEED = 20251130L;
  /** Kill moments are uniform in [0, this) milliseconds after the child is ready. */
  protected int maxDelayMs() {
    return 1500;
  }

  protected abstract ObjectStore store();

  protected abstract ObjectUri freshRoot();

  /** Store settings the child needs ({@code key=value}). */
  protected abstract StoreConfig childConfig();

  @Test
  void killedSavesNeverLeaveAVisiblePartialCheckpoint() throws Exception {
    Random rnd = new Random(SEED);
    ObjectUri root = freshRoot();
    TreeSet<Long> reported = new TreeSet<>();
    int killsMidSave = 0;
    java.util.Set<String> verified = new java.util.HashSet<>();
    try (CheckpointStore cs = CheckpointStore.open(store(), root,
        CheckpointOptions.DEFAULT.withPruneGrace(Duration.ZERO).withIoThreads(4))) {
      for (int kill = 0; kill < KILLS; kill++) {
        // even kills: a few milliseconds after the child announces its n-th save, so that kills in
        // the middle of a save do not depend on this machine's speed; odd kills: anywhere
        boolean duringSave = kill % 2 == 0;
        long delay = duringSave ? rnd.nextInt(3) : rnd.nextInt(maxDelayMs());
        int savingOrdinal = duringSave ? 1 + rnd.nextInt(3) : 0;
        List<String> out = runAndKill(root, rnd.nextLong(), delay, savingOrdinal);
        for (String l : out) {
          if (l.startsWith("COMMITTED ")) {
            reported.add(Long.parseLong(l.substring(10)));
          }
        }
        if (!out.isEmpty() && out.get(out.size() - 1).startsWith("SAVING ")) {
          killsMidSave++;
        }
        String at = "after kill " + kill + " (" + delay + " ms after "
            + (duringSave ? "save " + savingOrdinal + " began)" : "ready)");

        List<CheckpointInfo> listed = cs.list();
        List<Long> steps = listed.stream().map(CheckpointInfo::step).toList();
        assertThat(cs.committedSteps()).as(at + ": every manifest decodes").isEqualTo(steps);
        for (CheckpointInfo c : listed) {
          if (verified.add(c.saveId())) {   // a committed checkpoint never changes: read each once
            assertThat(cs.verify(c.step()).saveId()).as(at).isEqualTo(c.saveId());
          }
        }
        if (!reported.isEmpty()) {
          long newestReported = reported.last();
          assertThat(steps).as(at + ": the two newest reported commits survive prune")
              .containsAll(reported.descendingSet().stream().limit(2).toList());
          CheckpointInfo latest = cs.latest().orElseThrow();
          assertThat(latest.step()).as(at).isGreaterThanOrEqualTo(newestReported);
          assertThat(cs.loadLatest().readAll()).as(at).isNotEmpty();
          assertThat(cs.latestPointer()).as(at + ": the pointer names a committed checkpoint").isPresent();
          assertThat(steps).as(at).contains(cs.latestPointer().get());
        }
        Map<String, java.time.Instant> partial = cs.uncommittedSaves();
        for (String save : partial.keySet()) {
          long step = Layout.stepDirStep(save.substring(0, save.indexOf('/')));
          String saveId = save.substring(save.indexOf('/') + 1);
          if (steps.contains(step)) {
            assertThat(cs.load(step).saveId()).as(at + ": a committed step loads its own save").isNotEqualTo(saveId);
          } else {
            assertThatThrownBy(() -> cs.load(step)).as(at + ": partial " + save)
                .isInstanceOf(CheckpointNotFoundException.class);
          }
        }
      }
      assertThat(reported).as("the children committed checkpoints between kills").hasSizeGreaterThanOrEqualTo(5);
      assertThat(killsMidSave).as("kills that landed in the middle of a save").isGreaterThanOrEqualTo(KILLS / 4);
      // what the kills left: prune removes the abandoned saves below the newest checkpoint
      cs.prune(2);
      long newest = cs.latest().orElseThrow().step();
      for (String save : cs.uncommittedSaves().keySet()) {
        assertThat(Layout.stepDirStep(save.substring(0, save.indexOf('/')))).isGreaterThan(newest);
      }
      assertThat(cs.list()).hasSize(2);
    }
  }

  /**
   * The child's output lines until it was killed, {@code delayMs} after it was ready or, when
   * {@code savingOrdinal > 0}, after it announced that many saves.
   */
  private List<String> runAndKill(ObjectUri root, long seed, long delayMs, int savingOrdinal) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Daws.disableEc2Metadata=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", cp, KillSaver.class.getName(), root.toString(), Long.toString(seed)));
    childConfig().withPrefix("").forEach((k, v) -> cmd.add(k + "=" + v));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      } catch (java.io.IOException ignored) {
        // the child was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    List<String> seen = new ArrayList<>();   // lines taken off the queue before the kill
    try {
      String first = lines.poll(120, TimeUnit.SECONDS);
      assertThat(first).as("the child started (exit: %s)", p.isAlive() ? "alive" : p.exitValue()).isEqualTo("READY");
      for (int saves = 0; saves < savingOrdinal; ) {
        String l = lines.poll(120, TimeUnit.SECONDS);
        assertThat(l).as("the child announced save %d", saves + 1).isNotNull();
        seen.add(l);
        if (l.startsWith("SAVING ")) {
          saves++;
        }
      }
      Thread.sleep(delayMs);
    } finally {
      p.destroyForcibly();   // SIGKILL
      p.waitFor(30, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    List<String> out = new ArrayList<>(seen);
    out.addAll(lines);
    out.remove("READY");
    out.removeIf(l -> l.equals("PRUNED"));
    return out;
  }
}
