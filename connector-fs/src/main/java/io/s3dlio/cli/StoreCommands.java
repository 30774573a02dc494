package io.s3dlio.cli;

import java.util.List;
import picocli.CommandLine;

/** The object-store subcommands: ls, stat, get, put, rm, cp, bench. */
final class StoreCommands {
  static final List<String> NAMES = List.of("ls", "stat", "get", "put", "rm", "cp", "bench");

  private StoreCommands() {
  }

  static void register(CommandLine root) {
    for (String name : NAMES) {
      root.addSubcommand(name, create(name));
    }
  }

  /** A new instance of the command {@code name}, or null when it is not one of these. */
  static Object create(String name) {
    return switch (name) {
      case "ls" -> new ListCommand();
      case "stat" -> new StatCommand();
      case "get" -> new GetCommand();
      case "put" -> new PutCommand();
      case "rm" -> new RemoveCommand();
      case "cp" -> new CopyCommand();
      case "bench" -> new BenchCommand();
      default -> null;
    };
  }
}
