package io.s3dlio.fs.impl;

import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.util.concurrent.ExecutorService;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * What the namespace operations need from the FileSystem, and nothing more: the store, the
 * mapping between Hadoop paths and object URIs, and a few settings.
 *
 * @param store the object store of this FileSystem's scheme
 * @param paths maps paths to URIs and back
 * @param owner user name reported in FileStatus
 * @param blockSize block size reported in FileStatus
 * @param listPageSize keys per listing request
 * @param executor bounded pool for parallel copies and vectored reads
 */
public record StoreContext(ObjectStore store, PathMapper paths, String owner, long blockSize, int listPageSize,
    ExecutorService executor) {

  /** Maps a qualified Hadoop path to an object URI and back. */
  public interface PathMapper {
    ObjectUri toUri(Path path);

    Path toPath(ObjectUri uri);
  }

  public FileStatus fileStatus(ObjectStat stat, Path path) {
    long mtime = stat.lastModified() == null ? 0 : stat.lastModified().toEpochMilli();
    return new ObjectFileStatus(stat.size(), false, blockSize, mtime, path, owner, stat.etag());
  }

  public FileStatus dirStatus(Path path) {
    return new ObjectFileStatus(0, true, blockSize, 0, path, owner, null);
  }

  /** The status of a listing row ({@code path} is the row's path, without a trailing '/'). */
  public FileStatus status(ObjectEntry e) {
    Path p = paths.toPath(e.uri());
    return e.isPrefix() ? dirStatus(p) : fileStatus(e.stat(), p);
  }
}
