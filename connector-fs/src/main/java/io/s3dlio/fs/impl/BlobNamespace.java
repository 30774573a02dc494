package io.s3dlio.fs.impl;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Directories on an object store, in the manner of S3A: a directory exists when an object
 * {@code key/} (a marker, written by mkdirs) or any object under {@code key/} exists. Markers are
 * kept (never deleted when a child is written); when the last file of a directory is deleted or
 * renamed away, a marker is written for its parent so that the directory stays visible.
 *
 * <p>getFileStatus costs a HEAD of the key, then (when it is not a file) one listing request of
 * one key under {@code key/}.
 */
public final class BlobNamespace implements Namespace {
  private final StoreContext ctx;

  public BlobNamespace(StoreContext ctx) {
    this.ctx = ctx;
  }

  static boolean isRoot(ObjectUri uri) {
    return uri.key().isEmpty();
  }

  static ObjectUri dirPrefix(ObjectUri uri) {
    return uri.key().isEmpty() || uri.key().endsWith("/") ? uri : uri.withKey(uri.key() + "/");
  }

  @Override
  public FileStatus status(Path path, ObjectUri uri) throws IOException {
    if (isRoot(uri)) {
      return ctx.dirStatus(path);
    }
    ObjectStat stat = fileStat(uri);
    if (stat != null) {
      return ctx.fileStatus(stat, path);
    }
    if (hasAnyUnder(uri)) {
      return ctx.dirStatus(path);
    }
    throw new FileNotFoundException("No such file or directory: " + path);
  }

  /** The file at {@code uri}, or null. */
  ObjectStat fileStat(ObjectUri uri) throws IOException {
    if (uri.key().endsWith("/")) {
      return null;
    }
    try {
      return ctx.store().stat(uri);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** Whether a marker or any object exists under {@code uri/}. */
  boolean hasAnyUnder(ObjectUri uri) throws IOException {
    Iterator<ObjectEntry> it = ctx.store().list(dirPrefix(uri), new ListOptions(null, 1));
    try {
      return it.hasNext();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Whether any object other than the marker exists under {@code uri/}. */
  boolean hasChildren(ObjectUri uri) throws IOException {
    ObjectUri prefix = dirPrefix(uri);
    Iterator<ObjectEntry> it = ctx.store().list(prefix, new ListOptions(null, 2));
    try {
      while (it.hasNext()) {
        if (!it.next().uri().key().equals(prefix.key())) {
          return true;
        }
      }
      return false;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public RemoteIterator<FileStatus> listDirectory(Path path, ObjectUri uri) throws IOException {
    ObjectUri prefix = dirPrefix(uri);
    if (!isRoot(uri)) {
      ObjectStat stat = fileStat(uri);
      if (stat != null) {
        return Listings.single(ctx.fileStatus(stat, path));
      }
    }
    Iterator<ObjectEntry> rows = ctx.store().list(prefix, new ListOptions("/", ctx.listPageSize()));
    boolean any;
    try {
      any = rows.hasNext();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!any && !isRoot(uri)) {
      throw new FileNotFoundException("No such file or directory: " + path);
    }
    return Listings.of(rows, e -> !e.uri().key().equals(prefix.key()), ctx::status);
  }

  @Override
  public RemoteIterator<FileStatus> listFilesRecursive(Path path, ObjectUri uri) throws IOException {
    ObjectUri prefix = dirPrefix(uri);
    Iterator<ObjectEntry> rows = ctx.store().list(prefix, new ListOptions(null, ctx.listPageSize()));
    return Listings.of(rows, e -> !e.isPrefix() && !e.uri().key().endsWith("/"), ctx::status);
  }

  @Override
  public boolean mkdirs(Path path, ObjectUri uri) throws IOException {
    if (isRoot(uri)) {
      return true;
    }
    // Ancestors first: a HEAD of a key under a file is 404 on S3, but an error on some stores
    // that keep objects as files (S3Proxy's filesystem backend).
    checkNoFileAncestor(path);
    if (fileStat(uri) != null) {
      throw new FileAlreadyExistsException("Cannot create directory " + path + ": a file exists there");
    }
    if (hasAnyUnder(uri)) {
      return true;
    }
    ctx.store().put(dirPrefix(uri), new byte[0]);
    return true;
  }

  /**
   * Refuses a path under a file: HEAD of each ancestor, from the top down (a HEAD of a key under
   * a file is 404 on S3 but an error on stores that keep objects as files, so the file is found
   * first).
   */
  void checkNoFileAncestor(Path path) throws IOException {
    java.util.ArrayDeque<Path> ancestors = new java.util.ArrayDeque<>();
    for (Path p = path.getParent(); p != null && !p.isRoot(); p = p.getParent()) {
      ancestors.push(p);
    }
    for (Path p : ancestors) {
      ObjectUri u = ctx.paths().toUri(p);
      if (!isRoot(u) && fileStat(u) != null) {
        throw new ParentNotDirectoryException("Cannot use " + path + ": ancestor " + p + " is a file");
      }
    }
  }

  @Override
  public boolean delete(Path path, ObjectUri uri, boolean recursive) throws IOException {
    return new DeleteOperation(ctx, this).delete(path, uri, recursive);
  }

  @Override
  public boolean rename(Path src, ObjectUri srcUri, Path dst, ObjectUri dstUri) throws IOException {
    return new RenameOperation(ctx, this).rename(src, srcUri, dst, dstUri);
  }

  @Override
  public void checkCreate(Path path, ObjectUri uri, boolean overwrite, boolean parentMustExist) throws IOException {
    if (isRoot(uri)) {
      throw new FileAlreadyExistsException("Cannot create file " + path + ": it is the root directory");
    }
    Path parent = path.getParent();
    if (parentMustExist && parent != null && !parent.isRoot()) {
      FileStatus ps = status(parent, ctx.paths().toUri(parent));
      if (!ps.isDirectory()) {
        throw new ParentNotDirectoryException("Cannot create file " + path + ": parent " + parent + " is a file");
      }
    } else {
      // ancestors first (see mkdirs)
      checkNoFileAncestor(path);
    }
    ObjectStat stat = fileStat(uri);
    if (stat != null) {
      if (!overwrite) {
        throw new FileAlreadyExistsException("Cannot create file " + path + ": it exists and overwrite is false");
      }
      return;
    }
    if (hasAnyUnder(uri)) {
      throw new FileAlreadyExistsException("Cannot create file " + path + ": it is a directory");
    }
  }

  @Override
  public void afterFileRemoved(Path parent, ObjectUri parentUri) throws IOException {
    if (parent == null || isRoot(parentUri)) {
      return;
    }
    if (!hasAnyUnder(parentUri)) {
      ctx.store().put(dirPrefix(parentUri), new byte[0]);
    }
  }

  @Override
  public boolean atomicRename() {
    return false;
  }
}
