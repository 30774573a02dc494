package io.s3dlio.fs.impl;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Directories on a local disk ({@code file://} and {@code direct://}): real directories, created,
 * listed, deleted and renamed with java.nio. Rename is {@code rename(2)}, so it is atomic within a
 * filesystem (as RawLocalFileSystem: a destination file is replaced; a destination directory
 * receives the source under its own name).
 */
public final class LocalNamespace implements Namespace {
  private final StoreContext ctx;

  public LocalNamespace(StoreContext ctx) {
    this.ctx = ctx;
  }

  private static java.nio.file.Path nio(ObjectUri uri) {
    return java.nio.file.Path.of(uri.key());
  }

  private static BasicFileAttributes attrs(java.nio.file.Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (java.nio.file.FileSystemException e) {
      // ENOTDIR: an ancestor is a file
      if (String.valueOf(e.getReason()).contains("Not a directory")) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public FileStatus status(Path path, ObjectUri uri) throws IOException {
    BasicFileAttributes a = attrs(nio(uri));
    if (a == null) {
      throw new FileNotFoundException("No such file or directory: " + path);
    }
    if (a.isDirectory()) {
      return new ObjectFileStatus(0, true, ctx.blockSize(), a.lastModifiedTime().toMillis(), path, ctx.owner(), null);
    }
    ObjectStat stat = ctx.store().stat(uri);
    return ctx.fileStatus(stat, path);
  }

  @Override
  public RemoteIterator<FileStatus> listDirectory(Path path, ObjectUri uri) throws IOException {
    FileStatus st = status(path, uri);
    if (st.isFile()) {
      return Listings.single(st);
    }
    ObjectUri prefix = uri.key().endsWith("/") ? uri : uri.withKey(uri.key() + "/");
    return Listings.of(ctx.store().list(prefix, new ListOptions("/", ctx.listPageSize())), e -> true, ctx::status);
  }

  @Override
  public RemoteIterator<FileStatus> listFilesRecursive(Path path, ObjectUri uri) throws IOException {
    ObjectUri prefix = uri.key().endsWith("/") ? uri : uri.withKey(uri.key() + "/");
    return Listings.of(ctx.store().list(prefix, new ListOptions(null, ctx.listPageSize())), e -> !e.isPrefix(),
        ctx::status);
  }

  @Override
  public boolean mkdirs(Path path, ObjectUri uri) throws IOException {
    java.nio.file.Path p = nio(uri);
    BasicFileAttributes a = attrs(p);
    if (a != null && !a.isDirectory()) {
      throw new FileAlreadyExistsException("Cannot create directory " + path + ": a file exists there");
    }
    checkNoFileAncestor(path, p);
    try {
      Files.createDirectories(p);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new ParentNotDirectoryException("Cannot create directory " + path + ": " + e.getMessage() + " is a file");
    }
    return true;
  }

  private static void checkNoFileAncestor(Path path, java.nio.file.Path p) throws IOException {
    for (java.nio.file.Path q = p.getParent(); q != null; q = q.getParent()) {
      if (Files.exists(q, LinkOption.NOFOLLOW_LINKS) || Files.exists(q)) {
        if (!Files.isDirectory(q)) {
          throw new ParentNotDirectoryException("Cannot use " + path + ": ancestor " + q + " is a file");
        }
        return;
      }
    }
  }

  @Override
  public boolean delete(Path path, ObjectUri uri, boolean recursive) throws IOException {
    java.nio.file.Path p = nio(uri);
    BasicFileAttributes a = attrs(p);
    if (a == null) {
      return false;
    }
    if (!a.isDirectory()) {
      Files.deleteIfExists(p);
      return true;
    }
    if (!recursive) {
      try (var ds = Files.newDirectoryStream(p)) {
        if (ds.iterator().hasNext()) {
          throw new PathIsNotEmptyDirectoryException(path.toString());
        }
      }
    }
    if (p.getParent() == null) {
      // root: delete the contents, keep "/" (and refuse without recursive, above)
      return false;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(java.nio.file.Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        try {
          Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
          throw new PathIsNotEmptyDirectoryException(dir + " (files were added while deleting " + path + ")");
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return true;
  }

  @Override
  public boolean rename(Path src, ObjectUri srcUri, Path dst, ObjectUri dstUri) throws IOException {
    java.nio.file.Path s = nio(srcUri);
    java.nio.file.Path d = nio(dstUri);
    BasicFileAttributes sa = attrs(s);
    if (sa == null) {
      // Hadoop's FileSystem specification: a missing source raises, it does not return false
      throw new FileNotFoundException("Cannot rename " + src + " to " + dst + ": source does not exist");
    }
    if (s.getParent() == null) {
      return false;
    }
    if (s.equals(d)) {
      return sa.isRegularFile();
    }
    if (sa.isDirectory() && d.startsWith(s)) {
      return false;
    }
    BasicFileAttributes da = attrs(d);
    if (da != null && da.isDirectory() && sa.isDirectory() && isEmptyDir(d)) {
      // POSIX: a directory replaces an empty directory
      Files.delete(d);
      da = null;
    } else if (da != null && da.isDirectory()) {
      d = d.resolve(s.getFileName());
      da = attrs(d);
      if (da != null && da.isDirectory()) {
        try (var ds = Files.newDirectoryStream(d)) {
          if (ds.iterator().hasNext()) {
            return false;
          }
        }
      }
    } else if (da != null && sa.isDirectory()) {
      return false;
    }
    java.nio.file.Path parent = d.getParent();
    BasicFileAttributes pa = parent == null ? null : attrs(parent);
    if (pa == null) {
      return false;
    }
    if (!pa.isDirectory()) {
      throw new ParentNotDirectoryException("Cannot rename " + src + " to " + dst + ": parent " + parent + " is a file");
    }
    if (da != null && da.isDirectory()) {
      Files.delete(d);
    }
    Files.move(s, d, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  private static boolean isEmptyDir(java.nio.file.Path d) throws IOException {
    try (var ds = Files.newDirectoryStream(d)) {
      return !ds.iterator().hasNext();
    }
  }

  @Override
  public void checkCreate(Path path, ObjectUri uri, boolean overwrite, boolean parentMustExist) throws IOException {
    java.nio.file.Path p = nio(uri);
    BasicFileAttributes a = attrs(p);
    if (a != null && a.isDirectory()) {
      throw new FileAlreadyExistsException("Cannot create file " + path + ": it is a directory");
    }
    if (a != null && !overwrite) {
      throw new FileAlreadyExistsException("Cannot create file " + path + ": it exists and overwrite is false");
    }
    if (parentMustExist) {
      BasicFileAttributes pa = p.getParent() == null ? null : attrs(p.getParent());
      if (pa == null) {
        throw new FileNotFoundException("Cannot create file " + path + ": parent directory does not exist");
      }
      if (!pa.isDirectory()) {
        throw new ParentNotDirectoryException("Cannot create file " + path + ": parent is a file");
      }
    } else {
      checkNoFileAncestor(path, p);
    }
  }

  @Override
  public void afterFileRemoved(Path parent, ObjectUri parentUri) {
    // real directories stay
  }

  @Override
  public boolean atomicRename() {
    return true;
  }
}
