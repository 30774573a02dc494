package io.s3dlio.cli;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ParallelDownload;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "get", description = {"Download an object (or a byte range of it) to a local file, or '-' for stdout.",
    "To a file: concurrent ranged GETs written in place (settings range-concurrency, default 8, and range-part-size,",
    "default 8m: --set or S3DLIO_RANGE_CONCURRENCY / S3DLIO_RANGE_PART_SIZE); the file appears only when complete."})
final class GetCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @Parameters(index = "0", paramLabel = "URI")
  String uri;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Local file, or '-' for stdout.")
  String output;

  @Option(names = "--range", paramLabel = "OFF:LEN", description = "Only LEN bytes from offset OFF.")
  String range;

  @Override
  public Integer call() throws Exception {
    ObjectUri u = ObjectUri.parseOrLocalPath(uri);
    ObjectStore store = root.context().store(u);
    long offset = 0;
    long length = -1;
    if (range != null) {
      long[] r = parseRange(range);
      offset = r[0];
      length = r[1];
    }
    if (output.equals("-")) {
      try (InputStream in = store.openRange(u, offset, length)) {
        in.transferTo(root.context().out());
      }
      root.context().out().flush();
      return 0;
    }
    LocalDownload.run(store, u, offset, length, Path.of(output), ParallelDownload.Settings.from(root.context().config()),
        n -> { });
    StartupTimer.mark("downloaded");
    return 0;
  }

  static long[] parseRange(String s) {
    int c = s.indexOf(':');
    try {
      if (c > 0) {
        long off = Long.parseLong(s.substring(0, c).trim());
        long len = Long.parseLong(s.substring(c + 1).trim());
        if (off >= 0 && len >= 0) {
          return new long[] {off, len};
        }
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("bad --range '" + s + "': expected OFF:LEN with non-negative integers");
  }
}
