package io.s3dlio.checkpoint.cli;

import io.s3dlio.cli.CliExtension;
import picocli.CommandLine;

/** Adds {@code checkpoint ls | verify | prune | rm} to {@code bin/s3dlio}. */
public final class CheckpointCliExtension implements CliExtension {
  @Override
  public void register(CommandLine root) {
    root.addSubcommand("checkpoint", new CommandLine(new CheckpointCommand())
        .addSubcommand("ls", new CheckpointCommand.Ls())
        .addSubcommand("verify", new CheckpointCommand.Verify())
        .addSubcommand("prune", new CheckpointCommand.Prune())
        .addSubcommand("rm", new CheckpointCommand.Remove()));
  }
}
