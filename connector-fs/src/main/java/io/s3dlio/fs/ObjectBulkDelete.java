package io.s3dlio.fs;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.fs.BulkDelete;
import org.apache.hadoop.fs.BulkDeleteUtils;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * Hadoop's BulkDelete API over {@link ObjectStore#deleteAll}: one bulk request per page (S3
 * DeleteObjects of up to {@link ObjectStore#bulkDeletePageSize()} keys). Deletes files only, as
 * the API specifies; parent directory markers are not recreated.
 */
final class ObjectBulkDelete implements BulkDelete {
  private final ObjectStore store;
  private final Path base;
  private final Function<Path, ObjectUri> toUri;
  private final IOStatisticsStore stats = IOStatisticsBinding.iostatisticsStore()
      .withCounters("object_bulk_delete_request", "object_delete_objects").build();

  ObjectBulkDelete(ObjectStore store, Path base, Function<Path, ObjectUri> toUri) {
    this.store = store;
    this.base = base;
    this.toUri = toUri;
  }

  @Override
  public int pageSize() {
    return Math.max(1, store.bulkDeletePageSize());
  }

  @Override
  public Path basePath() {
    return base;
  }

  @Override
  public List<Map.Entry<Path, String>> bulkDelete(Collection<Path> paths) throws IOException {
    BulkDeleteUtils.validateBulkDeletePaths(paths, pageSize(), base);
    List<ObjectUri> uris = new ArrayList<>(paths.size());
    Map<ObjectUri, Path> back = new HashMap<>();
    for (Path p : paths) {
      ObjectUri u = toUri.apply(p);
      uris.add(u);
      back.put(u, p);
    }
    if (uris.isEmpty()) {
      return List.of();
    }
    if (store.scheme().isLocal()) {
      // Files first, then directories: a directory whose files are in the same request is empty
      // by the time it is deleted; a non-empty directory is reported as a failure, not deleted.
      uris.sort(java.util.Comparator.comparing(
          (ObjectUri u) -> java.nio.file.Files.isDirectory(java.nio.file.Path.of(u.key()))));
    }
    List<DeleteFailure> failures = store.deleteAll(uris);
    stats.incrementCounter("object_bulk_delete_request");
    stats.incrementCounter("object_delete_objects", uris.size());
    List<Map.Entry<Path, String>> out = new ArrayList<>();
    for (DeleteFailure f : failures) {
      out.add(Map.entry(back.getOrDefault(f.uri(), new Path(f.uri().toString())), f.reason()));
    }
    return out;
  }

  @Override
  public IOStatistics getIOStatistics() {
    return stats;
  }

  @Override
  public void close() {
  }
}
