package io.s3dlio.npz.spark;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * A write of a DataFrame to a folder of .npz/.npy files, with every save mode and no partial
 * output.
 *
 * <p>Commit protocol: each task attempt writes complete files under
 * {@code <target>/_temporary/<job>/<partition>-<attempt>/} (an attempt that fails removes its
 * files). When every task has succeeded, the driver copies the staged files (server-side copy on
 * object stores) to {@code <target>/part-<partition>-<job>-<n>.<ext>}; for overwrite it then
 * deletes what the folder held before. The staging folder is removed whatever happens; if a copy
 * fails, the files already published by this job are deleted again. Readers skip names that start
 * with '_' or '.'.
 *
 * <p>Save modes: {@code errorifexists} fails if the folder holds any object, {@code ignore} does
 * nothing then, {@code append} adds files, {@code overwrite} replaces the folder's content.
 */
final class NpzWriteJob {
  private final WriteConf conf;
  private final Dataset<Row> data;

  NpzWriteJob(WriteConf conf, Dataset<Row> data) {
    this.conf = conf;
    this.data = data;
  }

  void run(SaveMode mode) {
    ObjectUri target = conf.target();
    ObjectUri dir = target.key().endsWith("/") ? target : target.withKey(target.key() + "/");
    try {
      ObjectStore store = StoreAccess.store(conf.storeSettings(), target);
      List<ObjectUri> existing = listAll(store, dir);
      if (!existing.isEmpty() && mode == SaveMode.ErrorIfExists) {
        throw new IllegalStateException("Cannot write to " + dir + ": it already exists (" + existing.size()
            + " objects; save mode errorifexists, use mode overwrite or append)");
      }
      if (!existing.isEmpty() && mode == SaveMode.Ignore) {
        return;
      }
      String jobId = UUID.randomUUID().toString().substring(0, 8);
      ObjectUri staging = dir.child("_temporary/" + jobId + "/");
      // validates the schema on the driver before any task runs
      new ColumnsCheck(conf, data).run();
      NpzDataWriter.Spec spec = new NpzDataWriter.Spec(conf.format(), conf.layout(), conf.compress(),
          conf.maxRecordsPerFile(), new TreeMap<>(conf.storeSettings()), data.schema(), staging.toString(), jobId);
      try {
        List<List<String>> staged = data.queryExecution().toRdd().toJavaRDD()
            .mapPartitionsWithIndex(new Task(spec), false).collect().stream()
            .map(joined -> joined.isEmpty() ? List.<String>of() : List.of(joined.split("\n"))).toList();
        publish(store, dir, staging, staged, mode == SaveMode.Overwrite ? existing : List.of());
      } finally {
        deleteQuietly(store, listAll(store, staging));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + conf.format() + " to " + dir + ": " + e.getMessage(), e);
    }
  }

  private void publish(ObjectStore store, ObjectUri dir, ObjectUri staging, List<List<String>> staged,
      List<ObjectUri> old) throws IOException {
    List<ObjectUri> published = new ArrayList<>();
    try {
      for (List<String> one : staged) {
        for (String s : one) {
          ObjectUri from = ObjectUri.parse(s);
          ObjectUri to = dir.child(from.name());
          store.copy(from, to);
          published.add(to);
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(store, published);
      throw e;
    }
    Set<ObjectUri> keep = new HashSet<>(published);
    List<ObjectUri> gone = old.stream().filter(u -> !keep.contains(u) && !u.key().startsWith(staging.key())).toList();
    if (!gone.isEmpty()) {
      var failures = store.deleteAll(gone);
      if (!failures.isEmpty()) {
        throw new IOException("overwrite published the new files but could not delete " + failures.size()
            + " old ones, e.g. " + failures.get(0));
      }
    }
  }

  private static List<ObjectUri> listAll(ObjectStore store, ObjectUri prefix) throws IOException {
    List<ObjectUri> out = new ArrayList<>();
    try {
      Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive());
      while (it.hasNext()) {
        ObjectEntry e = it.next();
        if (!e.isPrefix()) {
          out.add(e.uri());
        }
      }
    } catch (java.io.FileNotFoundException missing) {
      return out;
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof java.io.FileNotFoundException) {
        return out;
      }
      throw e;
    }
    return out;
  }

  private static void deleteQuietly(ObjectStore store, List<ObjectUri> uris) {
    try {
      if (!uris.isEmpty()) {
        store.deleteAll(uris);
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort cleanup; the original outcome is what matters
    }
  }

  /** Fails early, on the driver, on a schema that cannot be written. */
  private record ColumnsCheck(WriteConf conf, Dataset<Row> data) {
    void run() throws IOException {
      new NpzDataWriter(new NpzDataWriter.Spec(conf.format(), conf.layout(), conf.compress(),
          conf.maxRecordsPerFile(), new TreeMap<>(conf.storeSettings()), data.schema(), conf.target().toString(),
          "check"), 0, 0);
    }
  }

  /** One task: rows → staged files; returns the staged URIs. */
  private static final class Task implements Function2<Integer, Iterator<InternalRow>, Iterator<String>> {
    private static final long serialVersionUID = 1L;
    private final NpzDataWriter.Spec spec;

    Task(NpzDataWriter.Spec spec) {
      this.spec = spec;
    }

    @Override
    public Iterator<String> call(Integer partition, Iterator<InternalRow> rows) throws Exception {
      TaskContext ctx = TaskContext.get();
      NpzDataWriter w = new NpzDataWriter(spec, partition, ctx == null ? 0 : ctx.attemptNumber());
      try {
        while (rows.hasNext()) {
          w.write(rows.next());
        }
        return List.of(String.join("\n", w.commit())).iterator();
      } catch (Exception e) {
        w.abort();
        throw e;
      }
    }
  }
}
