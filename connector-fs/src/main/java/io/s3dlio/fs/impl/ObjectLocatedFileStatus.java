package io.s3dlio.fs.impl;

import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;

/** A LocatedFileStatus that keeps the etag of the status it was made from. */
public final class ObjectLocatedFileStatus extends LocatedFileStatus implements EtagSource {
  private static final long serialVersionUID = 1L;
  private final String etag;

  public ObjectLocatedFileStatus(FileStatus status, BlockLocation[] locations) {
    super(status, locations);
    this.etag = status instanceof EtagSource e ? e.getEtag() : null;
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
