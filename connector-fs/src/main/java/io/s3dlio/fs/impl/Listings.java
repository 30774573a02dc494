package io.s3dlio.fs.impl;

import io.s3dlio.store.ObjectEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/** Lazy adapters from store listings to Hadoop {@link RemoteIterator}s. */
public final class Listings {
  private Listings() {
  }

  /** Maps and filters a paged store listing; the store's unchecked errors become IOExceptions. */
  public static RemoteIterator<FileStatus> of(Iterator<ObjectEntry> rows, Predicate<ObjectEntry> keep,
      Function<ObjectEntry, FileStatus> map) {
    return new RemoteIterator<>() {
      private FileStatus next;

      @Override
      public boolean hasNext() throws IOException {
        try {
          while (next == null && rows.hasNext()) {
            ObjectEntry e = rows.next();
            if (keep.test(e)) {
              next = map.apply(e);
            }
          }
        } catch (UncheckedIOException e) {
          throw e.getCause();
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

  /** A listing of exactly one status. */
  public static RemoteIterator<FileStatus> single(FileStatus status) {
    return new RemoteIterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public FileStatus next() {
        if (done) {
          throw new NoSuchElementException();
        }
        done = true;
        return status;
      }
    };
  }
}
