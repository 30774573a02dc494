package io.s3dlio.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every command and subcommand of {@code s3dlio}, with every module's extension on the class path
 * (tfrecord-*, checkpoint), answers {@code --help} with its usage and exit code 0. The tree is
 * discovered from the help pages themselves, so a new command is covered without listing it here.
 */
class TestCliHelpEverywhere {

  @Test
  void everyCommandAndSubcommandAnswersHelp() {
    List<String> visited = new ArrayList<>();
    walk(List.of(), visited);
    assertThat(visited).contains("ls", "cp", "bench", "tfrecord-index", "tfrecord-cat", "tfrecord-keys",
        "tfrecord-keys build", "tfrecord-keys get", "checkpoint", "checkpoint ls", "checkpoint prune");
  }

  private static void walk(List<String> path, List<String> visited) {
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args.toArray(String[]::new), StoreConfig.EMPTY,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String help = out.toString(StandardCharsets.UTF_8);
    String name = String.join(" ", path);
    assertThat(code).as("s3dlio " + name + " --help: exit code; stderr: " + err).isZero();
    assertThat(help).as("s3dlio " + name + " --help").contains("Usage: s3dlio" + (name.isEmpty() ? "" : " " + name));
    if (!name.isEmpty()) {
      visited.add(name);
    }
    for (String sub : subcommands(help)) {
      List<String> next = new ArrayList<>(path);
      next.add(sub);
      walk(next, visited);
    }
  }

  /** The names under "Commands:" of a picocli help page (two-space indent, then the name). */
  private static List<String> subcommands(String help) {
    List<String> names = new ArrayList<>();
    boolean inCommands = false;
    for (String line : help.split("\\R")) {
      if (line.equals("Commands:")) {
        inCommands = true;
      } else if (inCommands && line.matches("  [a-z][a-z0-9-]*(,.*|\\s.*|)")) {
        String n = line.trim().split("[\\s,]+")[0];
        if (!n.equals("help")) {
          names.add(n);
        }
      } else if (inCommands && !line.startsWith(" ") && !line.isEmpty()) {
        inCommands = false;
      }
    }
    return names;
  }
}
