package io.s3dlio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.metrics.MeteredObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a short CLI run does not build: other commands' models, metrics nobody reads; the archive warm-up works. */
class TestCliStartup {

  @Test
  void theCommandIsFoundAfterRootOptionsAndTheirValues() {
    assertThat(S3dlioCli.invokedCommand(new String[] {"get", "s3://b/k", "-o", "f"})).isEqualTo("get");
    assertThat(S3dlioCli.invokedCommand(new String[] {"-vv", "--set", "a=b", "--op-log", "ops.zst", "--set=c=d", "cp",
        "x", "y"})).isEqualTo("cp");
    assertThat(S3dlioCli.invokedCommand(new String[] {"tfrecord-index", "f"})).isEqualTo("tfrecord-index");
    assertThat(S3dlioCli.invokedCommand(new String[] {"--verbose", "-v", "stat", "s3://b/k"})).isEqualTo("stat");
    // help, version or an unknown option first: answers that list every command
    assertThat(S3dlioCli.invokedCommand(new String[] {"-x", "get"})).isNull();
    assertThat(S3dlioCli.invokedCommand(new String[] {"-", "get"})).isNull();
    assertThat(S3dlioCli.invokedCommand(new String[] {"--help", "get"})).isNull();
    assertThat(S3dlioCli.invokedCommand(new String[] {"-vh", "get"})).isNull();
    assertThat(S3dlioCli.invokedCommand(new String[] {"-V"})).isNull();
    assertThat(S3dlioCli.invokedCommand(new String[] {"--set", "a=b"})).isNull();
    assertThat(S3dlioCli.invokedCommand(new String[0])).isNull();
  }

  @Test
  void anObjectStoreCommandGetsOnlyItsOwnModel() {
    assertThat(S3dlioCli.commandLine(new S3dlioCli(), new String[] {"-v", "get", "s3://b/k", "-o", "f"})
        .getSubcommands().keySet()).containsExactlyInAnyOrder("get", "help");
    for (String[] args : new String[][] {{"--help", "get"}, {"gett", "x"}, {}, {"help", "get"}}) {
      CommandLine cl = S3dlioCli.commandLine(new S3dlioCli(), args);
      assertThat(cl.getSubcommands().keySet()).as(String.join(" ", args))
          .containsAll(StoreCommands.NAMES).contains("help");
    }
  }

  @Test
  void aMistypedCommandStillGetsASuggestion() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(new String[] {"gett", "x"}, StoreConfig.EMPTY, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'gett'").contains("Did you mean: s3dlio get?");
  }

  @Test
  void storesHaveMetricsOnlyWhenTheCommandReportsThemOrTheyAreAskedFor(@TempDir Path dir) throws Exception {
    ObjectUri uri = ObjectUri.parseOrLocalPath(Files.writeString(dir.resolve("f"), "x").toString());
    try (CliContext plain = new CliContext(StoreConfig.EMPTY, System.out, System.err)) {
      assertThat(plain.store(uri)).isNotInstanceOf(MeteredObjectStore.class);
    }
    try (CliContext bench = new CliContext(StoreConfig.EMPTY, System.out, System.err)) {
      bench.reportsMetrics();
      ObjectStore s = bench.store(uri);
      assertThat(s).isInstanceOf(MeteredObjectStore.class);
      assertThat(((MeteredObjectStore) s).metrics()).isNotNull();
    }
    try (CliContext asked = new CliContext(StoreConfig.of(Map.of("metrics.enabled", "true")), System.out, System.err)) {
      assertThat(((MeteredObjectStore) asked.store(uri)).metrics()).isNotNull();
    }
  }

  /** bin/s3dlio's class-data archive is only as good as this run: every command of it must succeed. */
  @Test
  void theArchiveWarmUpRunsEveryCommandSuccessfully() throws Exception {
    assertThat(ArchiveWarmUp.run(StoreConfig.EMPTY)).isEmpty();
  }
}
