package io.s3dlio.fs.impl;

import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The located listings of the FileSystem ({@code listFiles}, {@code listLocatedStatus}) over a
 * {@link Namespace}: lazy, one store page at a time; block locations come from the FileSystem
 * through {@link Callbacks} (virtual locations on object stores).
 */
public final class ListingOperation {

  /** What a listing needs from the FileSystem. */
  public interface Callbacks {
    /** Block locations of a whole file. */
    BlockLocation[] locations(FileStatus file) throws IOException;
  }

  private final Namespace namespace;
  private final Callbacks callbacks;

  public ListingOperation(Namespace namespace, Callbacks callbacks) {
    this.namespace = java.util.Objects.requireNonNull(namespace, "namespace is null");
    this.callbacks = java.util.Objects.requireNonNull(callbacks, "callbacks is null");
  }

  /**
   * The files under {@code path} (whose status is {@code status}): the file itself when it is one,
   * else the files of the directory, or of the whole tree when {@code recursive}.
   */
  public RemoteIterator<LocatedFileStatus> listFiles(Path path, ObjectUri uri, FileStatus status, boolean recursive)
      throws IOException {
    RemoteIterator<FileStatus> files;
    if (status.isFile()) {
      files = Listings.single(status);
    } else if (recursive) {
      files = namespace.listFilesRecursive(path, uri);
    } else {
      files = filter(namespace.listDirectory(path, uri), s -> s.isFile());
    }
    return located(files);
  }

  /** The entries of a directory listing accepted by {@code filter}, with block locations for files. */
  public RemoteIterator<LocatedFileStatus> listLocatedStatus(RemoteIterator<FileStatus> all, PathFilter filter) {
    return located(filter(all, s -> filter.accept(s.getPath())));
  }

  private RemoteIterator<LocatedFileStatus> located(RemoteIterator<FileStatus> statuses) {
    return new RemoteIterator<>() {
      @Override
      public boolean hasNext() throws IOException {
        return statuses.hasNext();
      }

      @Override
      public LocatedFileStatus next() throws IOException {
        FileStatus s = statuses.next();
        return new ObjectLocatedFileStatus(s, s.isFile() ? callbacks.locations(s) : null);
      }
    };
  }

  private interface StatusPredicate {
    boolean test(FileStatus s) throws IOException;
  }

  private static RemoteIterator<FileStatus> filter(RemoteIterator<FileStatus> all, StatusPredicate keep) {
    return new RemoteIterator<>() {
      private FileStatus next;

      @Override
      public boolean hasNext() throws IOException {
        while (next == null && all.hasNext()) {
          FileStatus s = all.next();
          if (keep.test(s)) {
            next = s;
          }
        }
        return next != null;
      }

      @Override
      public FileStatus next() throws IOException {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        FileStatus s = next;
        next = null;
        return s;
      }
    };
  }
}
