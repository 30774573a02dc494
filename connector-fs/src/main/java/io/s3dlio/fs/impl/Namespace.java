package io.s3dlio.fs.impl;

import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The namespace operations that differ between object stores (no directories: "dir/" marker
 * objects and common prefixes; {@link BlobNamespace}) and local disks (real directories;
 * {@link LocalNamespace}). Reads and writes of file contents go through the ObjectStore for both.
 * Every method takes the qualified path and its object URI.
 */
public interface Namespace {

  /** Status of a file or directory; {@link java.io.FileNotFoundException} when neither exists. */
  FileStatus status(Path path, ObjectUri uri) throws IOException;

  /** One level of a directory, lazily, page by page (never the whole listing in memory). */
  RemoteIterator<FileStatus> listDirectory(Path path, ObjectUri uri) throws IOException;

  /** Every file under a directory (recursive), lazily. */
  RemoteIterator<FileStatus> listFilesRecursive(Path path, ObjectUri uri) throws IOException;

  boolean mkdirs(Path path, ObjectUri uri) throws IOException;

  boolean delete(Path path, ObjectUri uri, boolean recursive) throws IOException;

  boolean rename(Path src, ObjectUri srcUri, Path dst, ObjectUri dstUri) throws IOException;

  /**
   * Checks before a file is created: the path is not a directory, an existing file is refused
   * when {@code overwrite} is false, and no ancestor is a file. {@code parentMustExist} for
   * createNonRecursive.
   */
  void checkCreate(Path path, ObjectUri uri, boolean overwrite, boolean parentMustExist) throws IOException;

  /** Called after a file was deleted or renamed away: keeps its parent directory visible. */
  void afterFileRemoved(Path parent, ObjectUri parentUri) throws IOException;

  /** Whether renames are atomic (local: yes; object stores: copy then delete, no). */
  boolean atomicRename();
}
