package io.s3dlio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.StoreConfig;
import java.io.ByteArrayOutputStream;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Options every command has: --help, and -v / -vv (log levels of slf4j-simple, checked in a fresh JVM). */
class TestCliOptions {

  private static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args, StoreConfig.EMPTY, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void everyCommandAnswersHelp() {
    CommandLine cl = S3dlioCli.commandLine(new S3dlioCli());
    assertThat(cl.getSubcommands().keySet()).contains("ls", "stat", "get", "put", "rm", "cp", "bench");
    for (String name : cl.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      String[] r = run(name, "--help");
      assertThat(r[0]).as(name + " --help exit code").isEqualTo("0");
      assertThat(r[1]).as(name + " --help").contains("Usage: s3dlio " + name).contains("--verbose")
          .contains("--op-log");
    }
    assertThat(run("bench", "--help")[1]).contains("--dedup").contains("--compress").contains("--plot")
        .contains("--json").contains("--duration");
  }

  /** A fresh JVM (slf4j-simple reads its level once): -v shows info but not debug lines, -vv debug lines. */
  @Test
  void verbosityRaisesTheLogLevel() throws Exception {
    Path dir = Files.createTempDirectory("cli-v");
    Files.writeString(dir.resolve("f"), "x");
    String info = cli(List.of("-v", "--op-log", dir.resolve("ops.zst").toString(), "ls", dir.toString()));
    String debug = cli(List.of("ls", "-vv", dir.toString()));
    assertThat(info).contains("INFO io.s3dlio.store.metrics.OpLog - Operation log").doesNotContain("DEBUG");
    assertThat(debug).contains("DEBUG io.s3dlio.store.metrics.MeteredObjectStore - Opened the file:// store");
  }

  private static String cli(List<String> args) throws IOException, InterruptedException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
        // as bin/s3dlio: warnings only unless -v
        "-D" + S3dlioCli.LOG_LEVEL_PROPERTY + "=warn", S3dlioCli.class.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

}
