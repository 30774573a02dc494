package io.s3dlio.fs.impl;

import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/** A FileStatus that carries the store's etag (files only; null for directories). */
public final class ObjectFileStatus extends FileStatus implements EtagSource {
  private static final long serialVersionUID = 1L;
  private final String etag;

  public ObjectFileStatus(long length, boolean isDir, long blockSize, long mtime, Path path, String owner, String etag) {
    super(length, isDir, 1, blockSize, mtime, 0, null, owner, owner, path);
    this.etag = etag;
  }

  @Override
  public String getEtag() {
    return etag;
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
