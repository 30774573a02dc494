package io.s3dlio.cli;

import picocli.CommandLine;

/** The object-store subcommands: ls, stat, get, put, rm, cp, bench. */
final class StoreCommands {
  private StoreCommands() {
  }

  static void register(CommandLine root) {
    root.addSubcommand("ls", new ListCommand());
    root.addSubcommand("stat", new StatCommand());
    root.addSubcommand("get", new GetCommand());
    root.addSubcommand("put", new PutCommand());
    root.addSubcommand("rm", new RemoveCommand());
    root.addSubcommand("cp", new CopyCommand());
    root.addSubcommand("bench", new BenchCommand());
  }
}
