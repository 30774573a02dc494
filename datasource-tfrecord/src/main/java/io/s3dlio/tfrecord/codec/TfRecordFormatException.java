package io.s3dlio.tfrecord.codec;

import java.io.IOException;

/**
 * A TFRecord stream that is not well formed. The message names the file, the byte offset of the
 * record and what is wrong, for example
 * {@code "Bad TFRecord file:///d/a.tfrecord at byte 255: length CRC mismatch (stored 0x..., computed 0x...)"}.
 *
 * <p>For a compressed file the offset counts bytes of the decompressed stream, and the message says so.
 */
public class TfRecordFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the record. */
  public enum Problem {
    /** The CRC stored after the 8-byte length does not match the length. */
    BAD_LENGTH_CRC,
    /** The CRC stored after the payload does not match the payload. */
    BAD_DATA_CRC,
    /** The stream ends inside the 12-byte header (length + length CRC). */
    TRUNCATED_HEADER,
    /** The stream ends inside the payload or its CRC. */
    TRUNCATED_PAYLOAD,
    /** The declared length cannot be a record (negative as unsigned, or too large to read). */
    BAD_LENGTH,
    /** The payload is not the protobuf message it was read as. */
    BAD_PAYLOAD,
    /** The compressed stream is damaged. */
    BAD_COMPRESSION
  }

  private final String source;
  private final long offset;
  private final Problem problem;

  public TfRecordFormatException(String source, long offset, boolean decompressedOffset, Problem problem,
      String detail) {
    this(source, offset, decompressedOffset, problem, detail, null);
  }

  public TfRecordFormatException(String source, long offset, boolean decompressedOffset, Problem problem,
      String detail, Throwable cause) {
    super("Bad TFRecord " + source + " at byte " + offset + (decompressedOffset ? " of the decompressed stream" : "")
        + ": " + detail, cause);
    this.source = source;
    this.offset = offset;
    this.problem = problem;
  }

  /** The file (URI or path) the record came from. */
  public String source() {
    return source;
  }

  /** Byte offset of the start of the bad record. */
  public long offset() {
    return offset;
  }

  public Problem problem() {
    return problem;
  }
}
