package io.s3dlio.npz.format;

import java.io.IOException;

/**
 * A malformed or unsupported .npy/.npz. The message reads
 * "{@code Cannot read <source> at offset <n>: <cause>}", where source names the file and, for an
 * .npz, the member ({@code s3://b/k.npz!x.npy}), and the offset is a byte offset in that file or
 * member.
 */
public class NpzFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long offset;

  public NpzFormatException(String source, long offset, String cause) {
    this(source, offset, cause, null);
  }

  public NpzFormatException(String source, long offset, String cause, Throwable t) {
    super("Cannot read " + source + " at offset " + offset + ": " + cause, t);
    this.source = source;
    this.offset = offset;
  }

  /** The file (and member) at fault. */
  public String source() {
    return source;
  }

  /** Byte offset of the fault in the file or member. */
  public long offset() {
    return offset;
  }
}
