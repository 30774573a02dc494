package io.s3dlio.tfrecord.cli;

import io.s3dlio.cli.CliExtension;
import picocli.CommandLine;

/** Adds tfrecord-index, tfrecord-keys and tfrecord-cat to {@code bin/s3dlio}. */
public final class TfRecordCliExtension implements CliExtension {
  @Override
  public void register(CommandLine root) {
    root.addSubcommand("tfrecord-index", new TfRecordIndexCommand());
    root.addSubcommand("tfrecord-keys", new CommandLine(new TfRecordKeysCommand())
        .addSubcommand("build", new TfRecordKeysCommand.Build())
        .addSubcommand("get", new TfRecordKeysCommand.Get())
        .addSubcommand("stats", new TfRecordKeysCommand.Stats()));
    root.addSubcommand("tfrecord-cat", new TfRecordCatCommand());
  }
}
