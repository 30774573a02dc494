package io.s3dlio.checkpoint;

/** No committed checkpoint at the step asked for (or none at all for "latest"). */
public final class CheckpointNotFoundException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public CheckpointNotFoundException(String message) {
    super(message);
  }
}
