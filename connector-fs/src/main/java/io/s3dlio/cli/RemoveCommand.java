package io.s3dlio.cli;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreException;
import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "rm", description = "Delete an object, or with -r every object under a prefix (bulk delete).")
final class RemoveCommand implements Callable<Integer> {
  @ParentCommand
  S3dlioCli root;

  @Parameters(index = "0", paramLabel = "URI")
  String uri;

  @Option(names = {"-r", "--recursive"}, description = "Delete every object under the URI.")
  boolean recursive;

  @Override
  public Integer call() throws Exception {
    ObjectUri u = Uris.parse(uri);
    ObjectStore store = root.context().store(u);
    if (!recursive) {
      store.stat(u);
      store.delete(u);
      return 0;
    }
    ObjectUri dir = Uris.asDirectory(u);
    Iterator<ObjectEntry> it = store.list(dir, ListOptions.recursive());
    List<ObjectUri> page = new ArrayList<>();
    long deleted = 0;
    while (it.hasNext()) {
      page.add(it.next().uri());
      if (page.size() == store.bulkDeletePageSize()) {
        deleted += deletePage(store, page);
      }
    }
    deleted += deletePage(store, page);
    if (u.scheme().isLocal()) {
      deleteEmptyDirs(store, dir);
    }
    if (deleted == 0) {
      throw new FileNotFoundException("rm " + uri + ": nothing to delete under " + dir);
    }
    root.context().out().println("deleted " + deleted + " objects under " + dir);
    return 0;
  }

  private static long deletePage(ObjectStore store, List<ObjectUri> page) throws Exception {
    if (page.isEmpty()) {
      return 0;
    }
    List<DeleteFailure> failed = store.deleteAll(page);
    if (!failed.isEmpty()) {
      DeleteFailure f = failed.get(0);
      throw new StoreException("rm " + f.uri() + ": " + f.reason() + " (" + failed.size() + " keys not deleted)", null);
    }
    long n = page.size();
    page.clear();
    return n;
  }

  private static void deleteEmptyDirs(ObjectStore store, ObjectUri dir) throws Exception {
    java.nio.file.Path top = java.nio.file.Path.of(dir.key());
    if (!java.nio.file.Files.isDirectory(top)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(top)) {
      for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (java.nio.file.Files.isDirectory(p)) {
          java.nio.file.Files.deleteIfExists(p);
        }
      }
    }
  }
}
