package io.s3dlio.checkpoint;

import io.s3dlio.checkpoint.format.FormatException;
import io.s3dlio.checkpoint.format.JsonObject;
import io.s3dlio.checkpoint.format.Layout;
import io.s3dlio.checkpoint.format.Manifest;
import io.s3dlio.checkpoint.format.ShardContext;
import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What is under a checkpoint root: committed steps (their manifests), uncommitted saves (shard
 * folders no manifest names), the latest pointer; and the deletes that keep the rule "a manifest
 * never names a missing shard": a checkpoint is uncommitted (its manifest deleted) before any of
 * its shards are.
 */
final class Catalog {
  /** What the local store puts in the names of its temporary files (see LocalObjectStore). */
  static final String LOCAL_TEMP_MARK = ".s3dlio-tmp-";
  private final ObjectStore store;
  private final Layout layout;

  Catalog(ObjectStore store, Layout layout) {
    this.store = store;
    this.layout = layout;
  }

  /** Steps that have a manifest, ascending, with the manifest's URI. */
  TreeMap<Long, ObjectUri> committedSteps() throws IOException {
    TreeMap<Long, ObjectUri> out = new TreeMap<>();
    for (ObjectEntry e : rootEntries()) {
      if (!e.isPrefix()) {
        long step = Layout.manifestStep(e.uri().name());
        if (step >= 0) {
          out.put(step, e.uri());
        }
      }
    }
    return out;
  }

  /** Step folders under the root, ascending. */
  List<Long> stepFolders() throws IOException {
    List<Long> out = new ArrayList<>();
    for (ObjectEntry e : rootEntries()) {
      if (e.isPrefix()) {
        long step = Layout.stepDirStep(e.uri().name());
        if (step >= 0) {
          out.add(step);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private List<ObjectEntry> rootEntries() throws IOException {
    List<ObjectEntry> out = new ArrayList<>();
    try {
      Iterator<ObjectEntry> it = store.list(layout.root(), ListOptions.oneLevel());
      it.forEachRemaining(out::add);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (FileNotFoundException e) {
      return out;
    }
    return out;
  }

  /** Reads and checks the manifest of {@code step}. */
  Manifest manifest(long step) throws IOException {
    ObjectUri uri = layout.manifest(step);
    byte[] bytes;
    try {
      bytes = store.get(uri);
    } catch (FileNotFoundException e) {
      throw new CheckpointNotFoundException("No committed checkpoint at step " + step + " under " + layout.root()
          + " (no manifest " + uri.name() + ")");
    }
    try {
      Manifest m = Manifest.decode(bytes);
      if (m.step() != step) {
        throw new FormatException("manifest", "records step " + m.step() + " but is named for step " + step, -1, null,
            null);
      }
      return m;
    } catch (FormatException e) {
      CheckpointCorruptException c = new CheckpointCorruptException(layout.root() + " step " + step, -1, "manifest",
          null, e.getMessage(), uri.toString(), e.offset(), e.expectedCrc(), e.actualCrc());
      c.initCause(e);
      throw c;
    }
  }

  /** The save ids that have objects under the folder of {@code step}, with their newest object time. */
  Map<String, Instant> saves(long step) throws IOException {
    Map<String, Instant> out = new TreeMap<>();
    ObjectUri dir = layout.stepDir(step);
    String prefix = dir.key();
    try {
      Iterator<ObjectEntry> it = store.list(dir, ListOptions.recursive());
      while (it.hasNext()) {
        ObjectEntry e = it.next();
        String rest = e.uri().key().substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
          continue;
        }
        Instant t = e.lastModified() == null ? Instant.EPOCH : e.lastModified();
        out.merge(rest.substring(0, slash), t, (a, b) -> a.isAfter(b) ? a : b);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (FileNotFoundException e) {
      return out;
    }
    return out;
  }

  // ------------------------------------------------------------------ latest pointer

  /** The step the latest pointer names, or -1 when there is none or it cannot be read. */
  long latestPointer() throws IOException {
    try {
      String text = new String(store.get(layout.latest()), StandardCharsets.UTF_8);
      return JsonObject.parse(text, "latest").integer("step", 0, Long.MAX_VALUE);
    } catch (FileNotFoundException e) {
      return -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  /** Points latest at {@code m}, unless it already names a newer step. */
  void advanceLatest(Manifest m) throws IOException {
    if (latestPointer() > m.step()) {
      return;
    }
    writeLatest(m.step(), m.saveId());
  }

  private void writeLatest(long step, String saveId) throws IOException {
    String text = "{\"step\":" + step + ",\"saveId\":\"" + saveId + "\",\"manifest\":\"" + Layout.manifestName(step)
        + "\"}\n";
    store.put(layout.latest(), text.getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ deletes

  /**
   * Deletes a committed checkpoint: first moves the latest pointer off it, then the manifest (the
   * checkpoint is then no longer committed), then every shard of every save of that step.
   */
  void deleteStep(long step) throws IOException {
    if (latestPointer() == step) {
      TreeMap<Long, ObjectUri> others = committedSteps();
      others.remove(step);
      Long prev = null;
      for (Long s : others.descendingKeySet()) {
        try {
          writeLatest(s, manifest(s).saveId());
          prev = s;
          break;
        } catch (CheckpointException e) {
          // a manifest that does not decode cannot be the latest; try the one before
        }
      }
      if (prev == null) {
        store.delete(layout.latest());
      }
    }
    store.delete(layout.manifest(step));
    deleteTree(layout.stepDir(step));
  }

  /** Deletes the shards of one uncommitted save. */
  void deleteSave(long step, String saveId) throws IOException {
    deleteTree(layout.saveDir(step, saveId));
  }

  private void deleteTree(ObjectUri dir) throws IOException {
    List<ObjectUri> page = new ArrayList<>();
    try {
      Iterator<ObjectEntry> it = store.list(dir, ListOptions.recursive());
      while (it.hasNext()) {
        page.add(it.next().uri());
        if (page.size() >= store.bulkDeletePageSize()) {
          deleteAll(page);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (FileNotFoundException e) {
      // nothing there
    }
    deleteAll(page);
    if (dir.scheme().isLocal()) {
      removeLocalLeftovers(Path.of(dir.key()));
    }
  }

  private void deleteAll(List<ObjectUri> page) throws IOException {
    if (page.isEmpty()) {
      return;
    }
    List<DeleteFailure> failed = store.deleteAll(page);
    if (!failed.isEmpty()) {
      DeleteFailure f = failed.get(0);
      throw new StoreException("delete " + f.uri() + ": " + f.reason() + " (" + failed.size() + " objects not deleted)",
          null);
    }
    page.clear();
  }

  /**
   * Local stores keep directories, and a writer killed before its close leaves a hidden temporary
   * file that listings do not show: remove both, so that nothing of a deleted tree stays on disk.
   */
  private static void removeLocalLeftovers(Path top) throws IOException {
    if (!Files.isDirectory(top)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          if (!Files.isDirectory(p) && !p.getFileName().toString().contains(LOCAL_TEMP_MARK)) {
            continue;   // an object: a store delete that raced with a new write; leave it
          }
          Files.deleteIfExists(p);
        } catch (java.nio.file.DirectoryNotEmptyException raced) {
          // not empty: an object is still there
        }
      }
    } catch (java.nio.file.NoSuchFileException | UncheckedIOException raced) {
      // removed concurrently
    }
  }

  /**
   * The newest modification time of anything under a local step folder, hidden temporary files
   * included, or null for object stores (where a folder without objects does not exist).
   */
  Instant localNewest(long step) throws IOException {
    ObjectUri dir = layout.stepDir(step);
    if (!dir.scheme().isLocal() || !Files.isDirectory(Path.of(dir.key()))) {
      return null;
    }
    Instant newest = Instant.EPOCH;
    try (Stream<Path> walk = Files.walk(Path.of(dir.key()))) {
      for (Path p : walk.toList()) {
        Instant t = Files.getLastModifiedTime(p).toInstant();
        newest = t.isAfter(newest) ? t : newest;
      }
    } catch (java.nio.file.NoSuchFileException | UncheckedIOException raced) {
      // removed concurrently
    }
    return newest;
  }

  /** Deletes a whole step folder (its manifest must already be gone or never have existed). */
  void deleteStepFolder(long step) throws IOException {
    deleteTree(layout.stepDir(step));
  }

  String label(long step, String saveId) {
    return ShardContext.label(layout.root(), step, saveId);
  }
}
