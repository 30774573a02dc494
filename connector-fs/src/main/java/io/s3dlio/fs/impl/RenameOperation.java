package io.s3dlio.fs.impl;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectUri;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;

/**
 * Rename on an object store: server-side copy of every object, then delete of the sources.
 *
 * <p><b>Not atomic.</b> A directory is renamed page by page (copies of one page in parallel,
 * then a bulk delete of that page's sources); a failure part way leaves some objects at the
 * source and some at the destination. Files and directories follow the FileSystem specification:
 * a missing source raises {@link FileNotFoundException}; the destination's parent must exist
 * ({@link FileNotFoundException}; S3A would create it) and be a directory; a destination directory
 * receives the source under its own name; an existing destination file, or a non-empty destination
 * directory, is refused with {@link FileAlreadyExistsException} (as S3A).
 */
final class RenameOperation {
  private final StoreContext ctx;
  private final BlobNamespace ns;

  RenameOperation(StoreContext ctx, BlobNamespace ns) {
    this.ctx = ctx;
    this.ns = ns;
  }

  boolean rename(Path src, ObjectUri srcUri, Path dst, ObjectUri dstUri) throws IOException {
    if (BlobNamespace.isRoot(srcUri)) {
      return false;
    }
    FileStatus srcStatus;
    try {
      srcStatus = ns.status(src, srcUri);
    } catch (FileNotFoundException e) {
      // Hadoop's FileSystem specification (and S3A): a missing source raises, it does not return false
      throw (FileNotFoundException) new FileNotFoundException("Cannot rename " + src + " to " + dst
          + ": source does not exist").initCause(e);
    }
    if (src.equals(dst)) {
      return srcStatus.isFile();
    }
    if (srcStatus.isDirectory() && isUnder(dst, src)) {
      throw new PathIOException(src.toString(), "Cannot rename a directory to a path under itself: " + dst);
    }
    FileStatus dstStatus = null;
    try {
      dstStatus = ns.status(dst, dstUri);
    } catch (FileNotFoundException e) {
      // fine
    }
    if (dstStatus != null && dstStatus.isDirectory() && srcStatus.isDirectory() && !ns.hasChildren(dstUri)) {
      // as S3A and POSIX: a directory replaces an empty directory
      ctx.store().delete(BlobNamespace.dirPrefix(dstUri));
    } else if (dstStatus != null && dstStatus.isDirectory()) {
      Path child = new Path(dst, src.getName());
      ObjectUri childUri = ctx.paths().toUri(child);
      FileStatus childStatus = null;
      try {
        childStatus = ns.status(child, childUri);
      } catch (FileNotFoundException e) {
        // fine
      }
      if (childStatus != null && (childStatus.isFile() || ns.hasChildren(childUri))) {
        throw new FileAlreadyExistsException("Cannot rename " + src + " to " + child + ": destination exists");
      }
      dst = child;
      dstUri = childUri;
    } else if (dstStatus != null) {
      throw new FileAlreadyExistsException("Cannot rename " + src + " to " + dst + ": destination is a file");
    } else {
      Path parent = dst.getParent();
      if (parent != null) {
        FileStatus ps;
        try {
          ps = ns.status(parent, ctx.paths().toUri(parent));
        } catch (FileNotFoundException e) {
          throw new FileNotFoundException("Cannot rename " + src + " to " + dst + ": parent " + parent + " does not exist");
        }
        if (!ps.isDirectory()) {
          throw new FileAlreadyExistsException("Cannot rename " + src + " to " + dst + ": parent " + parent + " is a file");
        }
      }
    }
    if (srcStatus.isFile()) {
      ctx.store().copy(srcUri, dstUri);
      ctx.store().delete(srcUri);
    } else {
      renameTree(srcUri, dstUri);
    }
    ns.afterFileRemoved(src.getParent(), ctx.paths().toUri(src.getParent()));
    return true;
  }

  /** Skips the copies not started and waits, even when interrupted, for those in flight. */
  private static void settle(AtomicBoolean stop, CountDownLatch ended) {
    stop.set(true);
    boolean interrupted = Thread.interrupted();
    while (true) {
      try {
        ended.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isUnder(Path p, Path dir) {
    String d = dir.toUri().getPath();
    String s = p.toUri().getPath();
    return s.startsWith(d.endsWith("/") ? d : d + "/");
  }

  private void renameTree(ObjectUri srcUri, ObjectUri dstUri) throws IOException {
    ObjectUri srcPrefix = BlobNamespace.dirPrefix(srcUri);
    ObjectUri dstPrefix = BlobNamespace.dirPrefix(dstUri);
    int page = Math.max(1, ctx.store().bulkDeletePageSize());
    Iterator<ObjectEntry> rows = ctx.store().list(srcPrefix, new ListOptions(null, Math.max(page, ctx.listPageSize())));
    List<ObjectUri> batch = new ArrayList<>();
    boolean markerCopied = false;
    try {
      while (rows.hasNext()) {
        ObjectUri u = rows.next().uri();
        markerCopied |= u.key().equals(srcPrefix.key());
        batch.add(u);
        if (batch.size() == page) {
          copyAndDelete(batch, srcPrefix, dstPrefix);
          batch.clear();
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!markerCopied) {
      ctx.store().put(dstPrefix, new byte[0]);
    }
    if (!batch.isEmpty()) {
      copyAndDelete(batch, srcPrefix, dstPrefix);
    }
  }

  /**
   * Copies a page in parallel, then deletes its sources. When a copy fails or the caller is
   * interrupted (Spark cancelling a task), copies not yet started are skipped and those in flight
   * are waited for before the error is thrown: no copy lands after the rename has returned (a
   * job's abort deleting {@code _temporary} would otherwise be followed by a late copy into it).
   */
  private void copyAndDelete(List<ObjectUri> batch, ObjectUri srcPrefix, ObjectUri dstPrefix) throws IOException {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch ended = new CountDownLatch(batch.size());
    List<Future<?>> copies = new ArrayList<>(batch.size());
    for (ObjectUri u : batch) {
      ObjectUri target = dstPrefix.withKey(dstPrefix.key() + u.key().substring(srcPrefix.key().length()));
      copies.add(ctx.executor().submit(() -> {
        try {
          if (!stop.get()) {
            ctx.store().copy(u, target);
          }
          return null;
        } finally {
          ended.countDown();
        }
      }));
    }
    try {
      for (Future<?> f : copies) {
        f.get();
      }
    } catch (InterruptedException e) {
      settle(stop, ended);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Rename of " + srcPrefix + " interrupted");
    } catch (ExecutionException e) {
      settle(stop, ended);
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("Cannot rename " + srcPrefix + " to " + dstPrefix + ": " + e.getCause(), e.getCause());
    }
    var failures = ctx.store().deleteAll(batch);
    if (!failures.isEmpty()) {
      throw new PathIOException(failures.get(0).uri().toString(), "Rename copied but could not delete the source: "
          + failures.get(0).reason());
    }
  }

}
