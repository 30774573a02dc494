package io.s3dlio.checkpoint.cli;

import io.s3dlio.checkpoint.CheckpointCorruptException;
import io.s3dlio.checkpoint.CheckpointException;
import io.s3dlio.checkpoint.CheckpointInfo;
import io.s3dlio.checkpoint.CheckpointOptions;
import io.s3dlio.checkpoint.CheckpointStore;
import io.s3dlio.cli.CliContext;
import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = {"List, verify, prune and delete checkpoints (io.s3dlio.checkpoint) under a root URI.",
        "Settings: the store's environment variables; checkpoint.* keys are not needed to read."},
    subcommands = {CommandLine.HelpCommand.class})
final class CheckpointCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: ls, verify, prune or rm");
  }

  CliContext context() {
    return root.context();
  }

  CheckpointStore open(String uri) throws IOException {
    ObjectUri u = ObjectUri.parseOrLocalPath(uri.endsWith("/") ? uri : uri + "/");
    return CheckpointStore.open(context().store(u), u, CheckpointOptions.from(context().stores().config()));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = {
      "List the committed checkpoints under URI.",
      "Columns: step, save id, ranks, size, commit time, compression.",
      "The step the 'latest' pointer names is marked *; with --all, uncommitted saves are listed too."})
  static final class Ls implements Callable<Integer> {
    @ParentCommand
    CheckpointCommand parent;

    @Parameters(index = "0", paramLabel = "URI", description = "The checkpoint root.")
    String uri;

    @Option(names = {"-a", "--all"}, description = "Also list uncommitted saves (running, failed or killed).")
    boolean all;

    @Override
    public Integer call() throws Exception {
      PrintStream out = parent.context().out();
      try (CheckpointStore cs = parent.open(uri)) {
        List<CheckpointInfo> listed = cs.list();
        Optional<Long> pointer = cs.latestPointer();
        Map<Long, CheckpointInfo> byStep = new TreeMap<>();
        listed.forEach(i -> byStep.put(i.step(), i));
        out.printf(Locale.ROOT, "%-14s %-30s %6s %12s %-24s %s%n", "STEP", "SAVE ID", "RANKS", "SIZE", "COMMITTED",
            "COMPRESSION");
        int corrupt = 0;
        for (long step : cs.committedSteps()) {
          CheckpointInfo i = byStep.get(step);
          String mark = pointer.isPresent() && pointer.get() == step ? "*" : "";
          if (i == null) {
            corrupt++;
            out.printf(Locale.ROOT, "%-14s %s%n", step + mark, "MANIFEST DOES NOT PASS ITS CHECKS (run verify)");
            continue;
          }
          out.printf(Locale.ROOT, "%-14s %-30s %6d %12s %-24s %s%n", step + mark, i.saveId(), i.worldSize(),
              size(i.totalBytes()), i.createdAt(), i.compression());
        }
        Optional<CheckpointInfo> latest = cs.latest();
        if (latest.isPresent() && pointer.map(p -> p != latest.get().step()).orElse(true)) {
          out.println("note: the latest pointer names " + pointer.map(String::valueOf).orElse("nothing")
              + ", the newest committed step is " + latest.get().step() + " (a save ended between its commit and"
              + " the pointer update; readers use the newest)");
        }
        if (all) {
          Map<String, Instant> partial = cs.uncommittedSaves();
          out.println(partial.isEmpty() ? "no uncommitted saves" : "uncommitted saves (not loadable; prune removes"
              + " those below the newest checkpoint):");
          partial.forEach((save, time) -> out.println("  " + save + "  last written " + time));
        }
        return corrupt == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = {
      "Read every byte of committed checkpoints and check every CRC32C.",
      "Checks the manifest, shard sizes and checksums, headers, indexes, chunks and tensors.",
      "Default: every committed checkpoint. Exits 1 if any is damaged."})
  static final class Verify implements Callable<Integer> {
    @ParentCommand
    CheckpointCommand parent;

    @Parameters(index = "0", paramLabel = "URI", description = "The checkpoint root.")
    String uri;

    @Option(names = "--step", paramLabel = "N", description = "Verify only these steps (repeatable).")
    List<Long> steps;

    @Option(names = "--latest", description = "Verify only the newest committed checkpoint.")
    boolean latest;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = parent.context();
      try (CheckpointStore cs = parent.open(uri)) {
        List<Long> todo = new ArrayList<>();
        if (latest) {
          todo.add(cs.latest().orElseThrow(() -> new CheckpointException("No committed checkpoint under " + cs.root()))
              .step());
        } else if (steps != null) {
          todo.addAll(steps);
        } else {
          todo.addAll(cs.committedSteps());
        }
        int bad = 0;
        for (long step : todo) {
          long t0 = System.nanoTime();
          try {
            CheckpointInfo i = cs.verify(step);
            ctx.out().printf(Locale.ROOT, "ok     step %d (save %s): %d shards, %s in %.1f s%n", step, i.saveId(),
                i.worldSize(), size(i.totalBytes()), (System.nanoTime() - t0) / 1e9);
          } catch (CheckpointCorruptException | io.s3dlio.checkpoint.CheckpointNotFoundException e) {
            bad++;
            ctx.out().println("FAILED step " + step + ": " + e.getMessage());
          }
        }
        if (todo.isEmpty()) {
          ctx.out().println("no committed checkpoints under " + cs.root());
        }
        return bad == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "prune", mixinStandardHelpOptions = true, description = {
      "Keep the newest N committed checkpoints; delete older ones and abandoned saves.",
      "Each checkpoint is uncommitted (manifest deleted) before its shards go. Uncommitted saves that",
      "lost a race, or were abandoned below the newest checkpoint more than",
      "checkpoint.prune-grace (default 10m) ago, are removed; a newer save is never touched."})
  static final class Prune implements Callable<Integer> {
    @ParentCommand
    CheckpointCommand parent;

    @Parameters(index = "0", paramLabel = "URI", description = "The checkpoint root.")
    String uri;

    @Option(names = {"-k", "--keep"}, required = true, paramLabel = "N", description = "Committed checkpoints to keep (>= 1).")
    int keep;

    @Option(names = {"-n", "--dry-run"}, description = "Print what would be deleted; delete nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (keep < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--keep must be at least 1, not " + keep);
      }
      PrintStream out = parent.context().out();
      try (CheckpointStore cs = parent.open(uri)) {
        CheckpointStore.PruneResult r = dryRun ? cs.prunePlan(keep) : cs.prune(keep);
        String verb = dryRun ? "would delete" : "deleted";
        r.deletedSteps().forEach(s -> out.println(verb + " checkpoint step " + s));
        r.removedSaves().forEach(s -> out.println(verb + " uncommitted save " + s));
        out.println(verb + " " + r.deletedSteps().size() + " checkpoints and " + r.removedSaves().size()
            + " uncommitted saves; kept the newest " + keep);
        return 0;
      }
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = {
      "Delete checkpoints by step.",
      "The latest pointer is moved off first, then the manifest is deleted (the checkpoint is no",
      "longer committed), then the shards of every save of that step."})
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    CheckpointCommand parent;

    @Parameters(index = "0", paramLabel = "URI", description = "The checkpoint root.")
    String uri;

    @Option(names = "--step", required = true, paramLabel = "N", description = "A step to delete (repeatable).")
    List<Long> steps;

    @Override
    public Integer call() throws Exception {
      try (CheckpointStore cs = parent.open(uri)) {
        for (long step : steps) {
          cs.delete(step);
          parent.context().out().println("deleted checkpoint step " + step);
        }
        return 0;
      }
    }
  }
}
