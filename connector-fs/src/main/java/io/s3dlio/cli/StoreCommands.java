package io.s3dlio.cli;

import picocli.CommandLine;

/** The object-store subcommands: ls, stat, get, put, rm, cp. */
final class StoreCommands {
  private StoreCommands() {
  }

  static void register(CommandLine root) {
    // filled in below
  }
}
