package io.s3dlio.tfrecord.cli;

import io.s3dlio.cli.CliContext;
import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.tfrecord.codec.RecordJson;
import io.s3dlio.tfrecord.codec.RecordType;
import io.s3dlio.tfrecord.index.InputResolver;
import io.s3dlio.tfrecord.keys.BuildProgress;
import io.s3dlio.tfrecord.keys.DuplicatePolicy;
import io.s3dlio.tfrecord.keys.KeyIndex;
import io.s3dlio.tfrecord.keys.KeyIndexStats;
import io.s3dlio.tfrecord.keys.KeyType;
import io.s3dlio.tfrecord.keys.RecordLocation;
import io.s3dlio.tfrecord.keys.SourceFile;
import io.s3dlio.tfrecord.proto.Feature;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tfrecord-keys", description = "Random access to tf.train.Examples by a key feature.",
    subcommands = {CommandLine.HelpCommand.class})
final class TfRecordKeysCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: build, get or stats");
  }

  CliContext context() {
    return root.context();
  }

  @Command(name = "build", description = {
      "Build (or reuse, when the files are unchanged) a key index over files, globs or prefixes.",
      "Default index path: <file>.<FEATURE>.keyidx for one file, else <folder>/<FEATURE>.keyidx."})
  static final class Build implements Callable<Integer> {
    @ParentCommand
    TfRecordKeysCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "URI")
    List<String> inputs;

    @Option(names = "--key", required = true, paramLabel = "FEATURE", description = "The key feature.")
    String key;

    @Option(names = "--index", paramLabel = "PATH", description = "Where the index goes.")
    String index;

    @Option(names = "--type", paramLabel = "TYPE", description = "string, int64 or float (default: from the data).")
    String type;

    @Option(names = "--rebuild", description = "Build even if a fresh index exists.")
    boolean rebuild;

    @Option(names = "--on-duplicate", paramLabel = "POLICY", defaultValue = "first",
        description = "first (keep the first record, count the others) or error (default: ${DEFAULT-VALUE}).")
    String onDuplicate;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = parent.context();
      DuplicatePolicy policy;
      KeyType t;
      try {
        policy = onDuplicate.equalsIgnoreCase("first") ? DuplicatePolicy.FIRST_WINS
            : onDuplicate.equalsIgnoreCase("error") ? DuplicatePolicy.ERROR : null;
        if (policy == null) {
          throw new IllegalArgumentException("Cannot use --on-duplicate '" + onDuplicate + "': expected first or error");
        }
        t = type == null ? null : KeyType.parse(type);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintStream err = ctx.err();
      long[] last = {0};
      BuildProgress progress = (done, files, records, bytes) -> {
        long now = System.nanoTime();
        if (done == files || now - last[0] > 1_000_000_000L) {
          last[0] = now;
          err.printf(Locale.ROOT, "keys: %d/%d files, %d records, %.1f MB%n", done, files, records, bytes / 1e6);
        }
      };
      KeyIndex idx = KeyIndex.openOrBuild(ctx.stores(), inputs, key, index == null ? null : InputResolver.parseArg(index),
          new KeyIndex.BuildOptions(t, policy, rebuild, progress));
      ctx.out().println((idx.wasBuilt() ? "built " : "reused ") + idx.location());
      printStats(ctx.out(), idx);
      return 0;
    }
  }

  @Command(name = "get", description = "Print the record with this key as JSON.")
  static final class Get implements Callable<Integer> {
    @ParentCommand
    TfRecordKeysCommand parent;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Option(names = "--index", required = true, paramLabel = "PATH")
    String index;

    @Option(names = "--feature", paramLabel = "NAME", description = "Print only this feature.")
    String feature;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = parent.context();
      ObjectUri at = InputResolver.parseArg(index);
      KeyIndex idx = KeyIndex.open(ctx.stores(), at);
      Object k;
      try {
        k = idx.parseKey(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " (key index " + at + ")", e);
      }
      RecordLocation loc = idx.locate(k);
      if (loc == null) {
        throw new FileNotFoundException("Key '" + key + "' is not in key index " + at);
      }
      byte[] payload = idx.read(loc);
      if (feature != null) {
        Feature f = io.s3dlio.tfrecord.codec.ExampleCodec.decodeExample(payload, idx.file(loc).toString(), loc.offset())
            .getFeatures().getFeatureMap().get(feature);
        if (f == null) {
          throw new FileNotFoundException("The record with key '" + key + "' (byte " + loc.offset() + " of "
              + idx.file(loc) + ") has no feature '" + feature + "'");
        }
        ctx.out().println(RecordJson.render(f));
      } else {
        ctx.out().println(RecordJson.render(payload, RecordType.EXAMPLE, idx.file(loc).toString(), loc.offset()));
      }
      return 0;
    }
  }

  @Command(name = "stats", description = "Describe a key index: keys, records and duplicates per file.")
  static final class Stats implements Callable<Integer> {
    @ParentCommand
    TfRecordKeysCommand parent;

    @Option(names = "--index", required = true, paramLabel = "PATH")
    String index;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = parent.context();
      KeyIndex idx = KeyIndex.open(ctx.stores(), InputResolver.parseArg(index));
      ctx.out().println("index:      " + idx.location());
      printStats(ctx.out(), idx);
      ctx.out().println("fresh:      " + (idx.isFresh() ? "yes" : "no (files changed: rebuild)"));
      return 0;
    }
  }

  static void printStats(PrintStream out, KeyIndex idx) {
    KeyIndexStats s = idx.stats();
    out.println("feature:    " + s.feature() + " (" + s.type().name().toLowerCase(Locale.ROOT) + ")");
    out.println("keys:       " + s.keys());
    out.println("records:    " + s.records());
    out.println("duplicates: " + s.duplicates() + " (first record kept)");
    out.println("files:      " + s.files().size());
    for (SourceFile f : s.files()) {
      out.println("  " + f.records() + " records\t" + f.duplicates() + " duplicates\t" + f.uri());
    }
  }
}
