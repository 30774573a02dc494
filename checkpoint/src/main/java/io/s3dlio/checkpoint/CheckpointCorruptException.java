package io.s3dlio.checkpoint;

import io.s3dlio.checkpoint.format.Crc32c;

/**
 * Stored bytes that fail a check. The message names the checkpoint (root, step, save id), the rank,
 * the part (a tensor, or the shard's header, index or trailer, or the whole shard, or the manifest),
 * the expected and the actual CRC32C when a checksum failed, and the object and offset.
 */
public final class CheckpointCorruptException extends CheckpointException {
  private static final long serialVersionUID = 1L;
  private final String checkpoint;
  private final int rank;
  private final String part;
  private final String tensor;
  private final String object;
  private final long offset;
  private final Integer expectedCrc;
  private final Integer actualCrc;

  /**
   * @param checkpoint the checkpoint, e.g. {@code s3://b/run step 42 (save 20250101T000000Z-1a2b)}
   * @param rank the shard's rank, or -1 for the manifest
   * @param part what failed: "header", "index", "trailer", "shard", "manifest", or null with a tensor
   * @param tensor the tensor, or null
   * @param problem what is wrong
   * @param object the object holding the bytes
   * @param offset byte offset in the object, or -1
   * @param expectedCrc the recorded CRC32C, or null when no checksum was compared
   * @param actualCrc the CRC32C of the bytes read, or null
   */
  public CheckpointCorruptException(String checkpoint, int rank, String part, String tensor, String problem,
      String object, long offset, Integer expectedCrc, Integer actualCrc) {
    super(message(checkpoint, rank, part, tensor, problem, object, offset, expectedCrc, actualCrc));
    this.checkpoint = checkpoint;
    this.rank = rank;
    this.part = part;
    this.tensor = tensor;
    this.object = object;
    this.offset = offset;
    this.expectedCrc = expectedCrc;
    this.actualCrc = actualCrc;
  }

  private static String message(String checkpoint, int rank, String part, String tensor, String problem,
      String object, long offset, Integer expected, Integer actual) {
    StringBuilder sb = new StringBuilder("Corrupt checkpoint ").append(checkpoint);
    if (rank >= 0) {
      sb.append(" rank ").append(rank);
    }
    sb.append(", ").append(tensor != null ? "tensor '" + tensor + "'" : part).append(": ").append(problem);
    if (expected != null) {
      sb.append(": expected CRC32C ").append(Crc32c.hex(expected)).append(", actual ").append(Crc32c.hex(actual));
    }
    sb.append(" (").append(object);
    if (offset >= 0) {
      sb.append(" at offset ").append(offset);
    }
    return sb.append(')').toString();
  }

  public String checkpoint() {
    return checkpoint;
  }

  /** The rank whose shard is corrupt, or -1 for the manifest. */
  public int rank() {
    return rank;
  }

  /** "header", "index", "trailer", "shard", "manifest", or "tensor" when {@link #tensor()} is set. */
  public String part() {
    return tensor != null ? "tensor" : part;
  }

  /** The tensor, or null. */
  public String tensor() {
    return tensor;
  }

  public String object() {
    return object;
  }

  public long offset() {
    return offset;
  }

  /** The recorded CRC32C, or null when the failure was not a checksum mismatch. */
  public Integer expectedCrc() {
    return expectedCrc;
  }

  /** The CRC32C of the bytes found, or null. */
  public Integer actualCrc() {
    return actualCrc;
  }
}
