package io.s3dlio.tfrecord.cli;

import io.s3dlio.cli.CliContext;
import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.RecordJson;
import io.s3dlio.tfrecord.codec.RecordType;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.index.InputResolver;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tfrecord-cat", description = {
    "Print TFRecord records as JSON lines (GZIP/ZLIB detected).",
    "Bytes are printed as UTF-8 strings when valid, else as {\"base64\": ...}."})
final class TfRecordCatCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "URI", description = "A file, glob or prefix.")
  List<String> inputs;

  @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "-1", description = "Print at most N records.")
  long limit;

  @Option(names = "--type", paramLabel = "TYPE", defaultValue = "auto",
      description = "auto, example, sequence or raw (default: ${DEFAULT-VALUE}).")
  String type;

  @Option(names = "--no-crc", description = "Do not check CRCs.")
  boolean noCrc;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = root.context();
    RecordType fixed;
    try {
      fixed = type.equalsIgnoreCase("auto") ? null : RecordType.parse(type);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<ObjectStat> files = new InputResolver(ctx.stores()).resolve(inputs);
    long printed = 0;
    for (ObjectStat f : files) {
      if (limit >= 0 && printed >= limit) {
        break;
      }
      String name = f.uri().toString();
      try (TfRecordReader r = TfRecordReader.open(ctx.store(f.uri()).openRange(f.uri(), 0, -1), name,
          ReaderOptions.DEFAULT.withVerifyCrc(!noCrc))) {
        for (byte[] p = r.next(); p != null && (limit < 0 || printed < limit); p = r.next()) {
          RecordType t = fixed == null ? RecordType.detect(p) : fixed;
          ctx.out().println(RecordJson.render(p, t, name, r.lastOffset()));
          printed++;
        }
      }
    }
    ctx.out().flush();
    return 0;
  }
}
