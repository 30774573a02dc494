package io.s3dlio.cli;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreErrors;
import io.s3dlio.store.metrics.MetricsKeys;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code bin/s3dlio}: object-store tools on every backend. Settings come from the environment
 * variables (see {@link StoreConfig#fromEnvironment()}) and {@code --set key=value}.
 *
 * <p>Exit codes: 0 on success; 1 when an operation failed (one line on stderr names the URI and
 * the cause); 2 for a usage error. Every command answers {@code --help}; {@code -v} / {@code -vv}
 * and {@code --op-log FILE} go before or after the command name.
 */
@Command(name = "s3dlio", mixinStandardHelpOptions = true, version = "s3dlio 0.1.0", scope = ScopeType.INHERIT,
    description = "Object-store tools for s3://, az://, gs://, file:// and direct:// URIs.",
    subcommands = {CommandLine.HelpCommand.class})
public final class S3dlioCli {
  /** The slf4j-simple property that sets the default log level (read once, when logging starts). */
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  private CliContext context;

  /** {@code --set key=value}, repeatable, before or after the command name. */
  @CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE", scope = CommandLine.ScopeType.INHERIT,
      description = "Sets a store key for this command (repeatable), e.g. --set s3.checksum-calculation=when_required;"
          + " wins over the environment (S3DLIO_<KEY>, AWS_*, AZURE_*). Keys: docs/ and README.md.")
  void set(java.util.Map<String, String> settings) {
    settings.forEach((k, v) -> context.set(k.trim(), v));
  }

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "More log output on stderr: -v info, -vv debug, -vvv trace (default: warnings only).")
  boolean[] verbosity = new boolean[0];

  @Option(names = "--op-log", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Write every store operation to FILE: zstd-compressed TSV in MinIO warp's format "
          + "(also: env S3DLIO_OPLOG).")
  String opLog;

  /** The shared state of the running command. */
  public CliContext context() {
    return context;
  }

  public static void main(String[] args) {
    StartupTimer.mark("main");
    StoreConfig config = StoreConfig.fromEnvironment();
    StartupTimer.mark("environment read");
    int code = run(args, config, System.out, System.err);
    StartupTimer.end("done");
    System.exit(code);
  }

  /** Runs one command line and returns its exit code. */
  public static int run(String[] args, StoreConfig config, PrintStream out, PrintStream err) {
    S3dlioCli root = new S3dlioCli();
    try (CliContext ctx = new CliContext(config, out, err)) {
      root.context = ctx;
      CommandLine cl = commandLine(root, args);
      StartupTimer.mark("command model built");
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      return cl.execute(args);
    } catch (Exception e) {
      err.println("s3dlio: " + StoreErrors.rootCause(e));
      return 1;
    }
  }

  /** The command line with every command (for help and tests). */
  static CommandLine commandLine(S3dlioCli root) {
    return commandLine(root, null);
  }

  /**
   * The command line for {@code args}: when they name one of the object-store commands (after root
   * options only), the model of that command alone is built; picocli builds a command's model by
   * reflection on its annotations, which is a large part of a short run's start-up. Anything else
   * (no command, help, an extension's command, a typo to suggest a command for) gets every command.
   */
  static CommandLine commandLine(S3dlioCli root, String[] args) {
    CommandLine cl = new CommandLine(root);
    String name = args == null ? null : invokedCommand(args);
    Object only = name == null ? null : StoreCommands.create(name);
    if (only != null) {
      cl.addSubcommand(name, only);
    } else {
      StoreCommands.register(cl);
      for (CliExtension ext : ServiceLoader.load(CliExtension.class, S3dlioCli.class.getClassLoader())) {
        ext.register(cl);
      }
    }
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      String msg = ex.getMessage() == null ? StoreErrors.rootCause(ex) : ex.getMessage();
      line.getErr().println("s3dlio " + line.getCommandName() + ": " + msg);
      return 1;
    });
    cl.setExecutionStrategy(parsed -> {
      StartupTimer.mark("command line parsed");
      root.applyRootOptions();
      return new CommandLine.RunLast().execute(parsed);
    });
    return cl;
  }

  /**
   * The command {@code args} name: the first argument after root options that act before any
   * command ({@code -v}..., {@code --verbose}, {@code --set}, {@code --op-log}, with their values);
   * null when there is none, or when anything else comes first (help, version, an unknown option:
   * their answers list every command).
   */
  static String invokedCommand(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--set") || a.equals("--op-log")) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      } else if (!isVerbosity(a) && !a.startsWith("--set=") && !a.startsWith("--op-log=")) {
        return null;
      }
    }
    return null;
  }

  /** {@code --verbose}, {@code -v}, {@code -vv}, ... */
  private static boolean isVerbosity(String a) {
    return a.equals("--verbose") || a.length() > 1 && a.replace("v", "").equals("-");
  }

  /** Root options that must act before the command runs: log level, operation log. */
  private void applyRootOptions() {
    if (verbosity.length > 0) {
      String level = verbosity.length == 1 ? "info" : verbosity.length == 2 ? "debug" : "trace";
      // effective when logging has not started yet (the CLI's own JVM); the launcher's default is warn
      System.setProperty(LOG_LEVEL_PROPERTY, level);
    }
    if (opLog != null) {
      context.set(MetricsKeys.OPLOG_FILE, opLog);
    }
  }
}
