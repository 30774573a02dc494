package io.s3dlio.cli;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "put", description = "Upload a local file to a URI (a URI ending in '/' gets the file's name).")
final class PutCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @Parameters(index = "0", paramLabel = "FILE")
  Path file;

  @Parameters(index = "1", paramLabel = "URI")
  String uri;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("put " + file + ": no such file");
    }
    ObjectUri u = Uris.parse(uri);
    if (u.key().isEmpty() || u.key().endsWith("/")) {
      u = u.withKey(u.key() + file.getFileName());
    }
    try (InputStream in = Files.newInputStream(file)) {
      ObjectWriter w = root.context().store(u).openWriter(u);
      try {
        in.transferTo(w);
      } catch (Exception e) {
        w.abort();
        throw e;
      }
      w.close();
    }
    return 0;
  }
}
