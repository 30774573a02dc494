package io.s3dlio.tfrecord.cli;

import io.s3dlio.cli.CliContext;
import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import io.s3dlio.tfrecord.index.IndexResult;
import io.s3dlio.tfrecord.index.InputResolver;
import io.s3dlio.tfrecord.index.ScanMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tfrecord-index", description = {
    "Write DALI index files (<offset> <size> per record) for TFRecord files, globs or prefixes.",
    "Prints the records indexed per file; exits 1 if any file is truncated, corrupt or compressed."})
final class TfRecordIndexCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "URI", description = "Files, globs (train-*.tfrecord) or prefixes (dir/).")
  List<String> inputs;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Index path (single input only; default <file>.idx).")
  String output;

  @Option(names = "--force", description = "Replace existing index files.")
  boolean force;

  @Option(names = "--decompressed", description = "For GZIP/ZLIB files, index the decompressed stream (DALI cannot use it).")
  boolean decompressed;

  @Option(names = "--no-length-crc", description = "Do not check length CRCs (as DALI's tool).")
  boolean noLengthCrc;

  @Option(names = "--scan", paramLabel = "MODE", defaultValue = "auto",
      description = "auto, seek (local), stream or ranged (default: ${DEFAULT-VALUE}).")
  String scan;

  @Option(names = "--spark", description = {"Index on Spark (spark-submit, or local[*] here): one task per file,",
      "files above --chunk-bytes split into chunks indexed in parallel and stitched. Writes _index/<file>.idx",
      "beside each file (where Spark and Hadoop listings skip it). Up-to-date indexes are skipped."})
  boolean spark;

  @Option(names = "--chunk-bytes", paramLabel = "N", description = "With --spark: chunk size of large files (default 256 MiB).")
  Long chunkBytes;

  @Option(names = "--validate", description = "Check existing indexes against their files instead of writing.")
  boolean validate;

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "4",
      description = "Files indexed at once, in this JVM (default ${DEFAULT-VALUE}); results print in input order.")
  int jobs;

  /** One file's outcome: its line for stdout, its record count, or the error for stderr. */
  private record Outcome(String line, long records, IOException error) {
  }

  @Override
  public Integer call() throws Exception {
    CliContext ctx = root.context();
    ScanMode mode;
    try {
      mode = ScanMode.parse(scan);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (spark) {
      return runOnSpark(ctx);
    }
    List<ObjectStat> files = new InputResolver(ctx.stores()).resolve(inputs);
    if (output != null && files.size() != 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "-o needs a single input file, but the inputs name " + files.size());
    }
    if (jobs < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "bad --jobs " + jobs + ": must be at least 1");
    }
    DaliIndexer indexer = new DaliIndexer(ctx.stores());
    IndexOptions options = IndexOptions.DEFAULT.withDecompressed(decompressed).withVerifyLengthCrc(!noLengthCrc)
        .withScanMode(mode).withOverwrite(force);
    int threads = Math.min(jobs, files.size());
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "s3dlio-index-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    int failures = 0;
    long total = 0;
    try {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (ObjectStat f : files) {
        outcomes.add(pool.submit(() -> indexOne(indexer, f, options)));
      }
      for (Future<Outcome> o : outcomes) {
        Outcome r;
        try {
          r = o.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception x ? x : e;
        }
        if (r.error() != null) {
          failures++;
          ctx.err().println("s3dlio tfrecord-index: " + r.error().getMessage());
        } else {
          ctx.out().println(r.line());
          total += r.records();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (files.size() > 1) {
      ctx.out().println(total + " records in " + (files.size() - failures) + " of " + files.size() + " files");
    }
    return failures == 0 ? 0 : 1;
  }

  private Outcome indexOne(DaliIndexer indexer, ObjectStat f, IndexOptions options) {
    ObjectUri out = output == null ? DaliIndexer.defaultIndexUri(f.uri()) : InputResolver.parseArg(output);
    try {
      if (validate) {
        long n = indexer.validate(f.uri(), out);
        return new Outcome(f.uri() + "\t" + n + " records\tindex ok: " + out, n, null);
      }
      IndexResult r = indexer.index(f.uri(), out, options);
      return new Outcome(f.uri() + "\t" + r.records() + " records\t-> " + r.index(), r.records(), null);
    } catch (IOException e) {
      return new Outcome(null, 0, e);
    }
  }

  private int runOnSpark(CliContext ctx) {
    if (output != null || validate || decompressed) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--spark writes _index/<file>.idx beside each file:"
          + " -o, --validate and --decompressed do not apply");
    }
    try {
      long chunk = chunkBytes == null ? io.s3dlio.tfrecord.spark.index.SparkIndexer.DEFAULT_CHUNK_BYTES : chunkBytes;
      for (String in : inputs) {
        io.s3dlio.tfrecord.spark.index.SparkIndexCommand.run(in, chunk, ".idx", force, ctx.out());
      }
      return 0;
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("tfrecord-index --spark needs Spark on the class path (bin/s3dlio adds it"
          + " when --spark is given; or run io.s3dlio.tfrecord.spark.index.SparkIndexCommand with spark-submit)", e);
    }
  }
}
