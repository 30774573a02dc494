package io.s3dlio.loader;

import java.io.IOException;

/**
 * A sample that cannot be read or decoded. The message reads
 * {@code "Cannot read sample <index> from <uri> at byte <offset>: <cause>"} (without the offset
 * where none is known, as inside a compressed HDF5 chunk); the cause is the
 * store's or codec's exception (for example {@link java.io.FileNotFoundException},
 * {@link io.s3dlio.tfrecord.codec.TfRecordFormatException},
 * {@link io.s3dlio.tfrecord.index.StaleIndexException}).
 */
public class SampleException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long index;
  private final String uri;
  private final long offset;

  public SampleException(long index, String uri, long offset, String cause, Throwable t) {
    super("Cannot read sample " + index + " from " + uri + (offset >= 0 ? " at byte " + offset : "") + ": " + cause, t);
    this.index = index;
    this.uri = uri;
    this.offset = offset;
  }

  /** Wraps {@code t}, using its message as the cause text. */
  public static SampleException of(long index, String uri, long offset, Throwable t) {
    if (t instanceof SampleException s && s.index == index) {
      return s;
    }
    return new SampleException(index, uri, offset, String.valueOf(t.getMessage() == null ? t : t.getMessage()), t);
  }

  /** The dataset index of the sample. */
  public long index() {
    return index;
  }

  /** The object (file) that holds it. */
  public String uri() {
    return uri;
  }

  /** Byte offset of the sample (or the failing part of it) in that object. */
  public long offset() {
    return offset;
  }
}
