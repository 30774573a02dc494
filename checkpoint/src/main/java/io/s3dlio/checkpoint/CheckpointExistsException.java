package io.s3dlio.checkpoint;

/**
 * A save found the step already committed: another save (a concurrent one, or an earlier run) won.
 * The shards this save wrote were removed; the committed checkpoint is untouched.
 */
public final class CheckpointExistsException extends CheckpointException {
  private static final long serialVersionUID = 1L;
  private final long step;

  public CheckpointExistsException(String message, long step, Throwable cause) {
    super(message, cause);
    this.step = step;
  }

  public long step() {
    return step;
  }
}
