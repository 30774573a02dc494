package io.s3dlio.cli;

import picocli.CommandLine;

/**
 * Adds subcommands to {@code bin/s3dlio}. Modules above connector-fs (the TFRecord tools, for
 * example) list an implementation in {@code META-INF/services/io.s3dlio.cli.CliExtension}; the CLI
 * finds them with {@link java.util.ServiceLoader}.
 *
 * <p>Subcommands get the shared {@link CliContext} by declaring
 * {@code @CommandLine.ParentCommand S3dlioCli root} and calling {@code root.context()}.
 */
public interface CliExtension {

  /** Adds this module's subcommands to {@code root}. */
  void register(CommandLine root);
}
