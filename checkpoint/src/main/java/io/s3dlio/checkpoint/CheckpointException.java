package io.s3dlio.checkpoint;

import java.io.IOException;

/**
 * A checkpoint operation that failed for a reason of the checkpoint itself (not committed, missing
 * shard, a save that lost the race to commit...). Store failures surface as the store's own
 * {@link IOException}s; corruption as {@link CheckpointCorruptException}.
 */
public class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
