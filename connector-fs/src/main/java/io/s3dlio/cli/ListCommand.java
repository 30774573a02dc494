package io.s3dlio.cli;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ls", description = "List objects under a URI (one level, or all with -r).")
final class ListCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @Parameters(index = "0", paramLabel = "URI")
  String uri;

  @Option(names = {"-r", "--recursive"}, description = "List every key under the URI.")
  boolean recursive;

  @Override
  public Integer call() throws Exception {
    ObjectUri u = Uris.parse(uri);
    ObjectStore store = root.context().store(u);
    PrintStream out = root.context().out();
    if (!u.key().isEmpty() && !u.key().endsWith("/")) {
      try {
        var stat = store.stat(u);
        out.println(Format.row(ObjectEntry.object(stat)));
        return 0;
      } catch (FileNotFoundException notAnObject) {
        u = Uris.asDirectory(u);
      }
    }
    Iterator<ObjectEntry> it = store.list(u, recursive ? ListOptions.recursive() : ListOptions.oneLevel());
    long n = 0;
    while (it.hasNext()) {
      out.println(Format.row(it.next()));
      n++;
    }
    if (n == 0 && !u.key().isEmpty()) {
      throw new FileNotFoundException("ls " + uri + ": no such object or prefix");
    }
    return 0;
  }
}
