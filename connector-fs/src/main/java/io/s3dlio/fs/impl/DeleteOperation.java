package io.s3dlio.fs.impl;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;

/**
 * Delete on an object store. A directory tree is deleted by walking its flat listing page by page
 * and deleting each page with the store's bulk delete, so memory stays bounded. Not atomic: a
 * failure part way leaves the rest of the tree; the error names the first key that failed.
 */
final class DeleteOperation {
  private final StoreContext ctx;
  private final BlobNamespace ns;

  DeleteOperation(StoreContext ctx, BlobNamespace ns) {
    this.ctx = ctx;
    this.ns = ns;
  }

  boolean delete(Path path, ObjectUri uri, boolean recursive) throws IOException {
    if (BlobNamespace.isRoot(uri)) {
      // As S3A: the root of a bucket is never deleted, nor emptied by "rm -r /" (returns false).
      boolean empty = !ns.hasChildren(uri);
      if (empty) {
        return true;
      }
      if (!recursive) {
        throw new PathIOException(path.toString(), "Cannot delete root path: it is not empty");
      }
      return false;
    }
    ObjectStat file = ns.fileStat(uri);
    if (file != null) {
      ctx.store().delete(uri);
      ns.afterFileRemoved(path.getParent(), ctx.paths().toUri(path.getParent()));
      return true;
    }
    if (!ns.hasAnyUnder(uri)) {
      return false;
    }
    if (!recursive && ns.hasChildren(uri)) {
      throw new PathIsNotEmptyDirectoryException(path.toString());
    }
    deleteTree(uri);
    ns.afterFileRemoved(path.getParent(), ctx.paths().toUri(path.getParent()));
    return true;
  }

  /** Deletes every object under {@code uri/} (marker included), one bulk request per page. */
  void deleteTree(ObjectUri uri) throws IOException {
    ObjectUri prefix = BlobNamespace.dirPrefix(uri);
    int page = Math.max(1, ctx.store().bulkDeletePageSize());
    Iterator<ObjectEntry> rows = ctx.store().list(prefix, new ListOptions(null, Math.max(page, ctx.listPageSize())));
    List<ObjectUri> batch = new ArrayList<>(page);
    try {
      while (rows.hasNext()) {
        batch.add(rows.next().uri());
        if (batch.size() == page) {
          deleteBatch(batch);
          batch.clear();
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!batch.isEmpty()) {
      deleteBatch(batch);
    }
  }

  private void deleteBatch(List<ObjectUri> batch) throws IOException {
    List<DeleteFailure> failures = ctx.store().deleteAll(batch);
    if (!failures.isEmpty()) {
      DeleteFailure f = failures.get(0);
      throw new PathIOException(f.uri().toString(), "Cannot delete " + failures.size() + " of " + batch.size()
          + " objects; first: " + f.reason());
    }
  }
}
