package io.s3dlio.cli;

import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "stat", description = "Show an object's size, last-modified time and etag.")
final class StatCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @Parameters(index = "0", paramLabel = "URI")
  String uri;

  @Override
  public Integer call() throws Exception {
    ObjectUri u = Uris.parse(uri);
    ObjectStat s = root.context().store(u).stat(u);
    PrintStream out = root.context().out();
    out.println("uri:           " + s.uri());
    out.println("size:          " + s.size());
    out.println("last-modified: " + s.lastModified());
    out.println("etag:          " + (s.etag() == null ? "-" : s.etag()));
    return 0;
  }
}
