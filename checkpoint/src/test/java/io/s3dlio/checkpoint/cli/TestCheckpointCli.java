package io.s3dlio.checkpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.checkpoint.CheckpointOptions;
import io.s3dlio.checkpoint.CheckpointStore;
import io.s3dlio.checkpoint.TensorSource;
import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code s3dlio checkpoint ls | verify | prune | rm} end to end on file://, through the CLI's entry point. */
class TestCheckpointCli {
  @TempDir
  Path dir;

  private record Result(int code, String out, String err) {
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args, StoreConfig.EMPTY, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String saveSteps(long... steps) throws Exception {
    String root = "file://" + dir.resolve("ck") + "/";
    try (CheckpointStore cs = CheckpointStore.open(root, StoreConfig.EMPTY,
        CheckpointOptions.DEFAULT.withChunkSize(4096))) {
      for (long s : steps) {
        cs.save(s, List.of(TensorSource.ofFloats("w", new long[] {3000}, new float[3000])), Map.of());
      }
    }
    return root;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ls", "verify", "prune", "rm"})
  void everySubcommandAnswersHelp(String sub) {
    Result r = sub.isEmpty() ? run("checkpoint", "--help") : run("checkpoint", sub, "--help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Usage: s3dlio checkpoint" + (sub.isEmpty() ? "" : " " + sub));
    if (sub.isEmpty()) {
      assertThat(r.out()).contains("ls").contains("verify").contains("prune").contains("rm");
    }
  }

  @Test
  void lsMarksTheLatestAndListsUncommittedSaves() throws Exception {
    String root = saveSteps(1, 2, 3);
    Path partial = Files.createDirectories(dir.resolve("ck/step-000000000004/20250101T000000Z-abc"));
    Files.write(partial.resolve("rank-00000-of-00001.shard"), new byte[10]);
    Result r = run("checkpoint", "ls", root, "--all");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("STEP");
    assertThat(lines.get(1)).startsWith("1 ").contains("12.0 KiB").contains("none");
    assertThat(lines.get(3)).startsWith("3* ");
    assertThat(r.out()).contains("step-000000000004/20250101T000000Z-abc");
  }

  @Test
  void verifyReportsDamageAndExitsOne() throws Exception {
    String root = saveSteps(1, 2);
    Result ok = run("checkpoint", "verify", root);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("ok     step 1").contains("ok     step 2");
    Path shard;
    try (Stream<Path> s = Files.walk(dir.resolve("ck/step-000000000002"))) {
      shard = s.filter(p -> p.toString().endsWith(".shard")).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(shard);
    b[200] ^= 1;
    Files.write(shard, b);
    Result bad = run("checkpoint", "verify", root);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).contains("ok     step 1").contains("FAILED step 2: Corrupt checkpoint")
        .contains("rank 0, tensor 'w'").contains("expected CRC32C 0x").contains(", actual 0x");
    assertThat(run("checkpoint", "verify", root, "--step", "1").code()).isZero();
    assertThat(run("checkpoint", "verify", root, "--step", "9").out()).contains("FAILED step 9: No committed checkpoint");
  }

  @Test
  void pruneDryRunThenPruneThenRm() throws Exception {
    String root = saveSteps(1, 2, 3, 4);
    Result dry = run("checkpoint", "prune", root, "--keep", "2", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would delete checkpoint step 1").contains("would delete checkpoint step 2");
    assertThat(run("checkpoint", "ls", root).out()).contains("\n1 ");
    Result pr = run("checkpoint", "prune", root, "--keep", "2");
    assertThat(pr.out()).contains("deleted 2 checkpoints and 0 uncommitted saves; kept the newest 2");
    assertThat(Files.exists(dir.resolve("ck/step-000000000001"))).isFalse();
    Result rm = run("checkpoint", "rm", root, "--step", "4");
    assertThat(rm.code()).as(rm.err()).isZero();
    Result ls = run("checkpoint", "ls", root);
    assertThat(ls.out().lines().skip(1).toList()).hasSize(1).first().asString().startsWith("3* ");
    Result missing = run("checkpoint", "rm", root, "--step", "4");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("No checkpoint at step 4 under " + ObjectUri.parse(root));
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    String root = saveSteps(1);
    assertThat(run("checkpoint", "prune", root).code()).isEqualTo(2);
    Result zero = run("checkpoint", "prune", root, "--keep", "0");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err()).contains("--keep must be at least 1");
    assertThat(run("checkpoint").code()).isEqualTo(2);
  }
}
