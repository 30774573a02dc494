package io.s3dlio.checkpoint.format;

/**
 * A structural problem found while decoding a shard, before the shard's context (checkpoint, rank,
 * URI) is known; readers turn it into a {@link io.s3dlio.checkpoint.CheckpointCorruptException}.
 */
public final class FormatException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String part;
  private final long offset;
  private final Integer expectedCrc;
  private final Integer actualCrc;

  public FormatException(String part, String problem, long offset, Integer expectedCrc, Integer actualCrc) {
    super(problem);
    this.part = part;
    this.offset = offset;
    this.expectedCrc = expectedCrc;
    this.actualCrc = actualCrc;
  }

  /** "header", "trailer", "index" or "tensor 'name'". */
  public String part() {
    return part;
  }

  public long offset() {
    return offset;
  }

  public Integer expectedCrc() {
    return expectedCrc;
  }

  public Integer actualCrc() {
    return actualCrc;
  }
}
