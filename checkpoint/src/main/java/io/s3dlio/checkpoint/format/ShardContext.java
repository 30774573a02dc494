package io.s3dlio.checkpoint.format;

import io.s3dlio.checkpoint.CheckpointCorruptException;
import io.s3dlio.store.ObjectUri;

/**
 * Where a shard belongs and what it must say about itself: the checkpoint (for messages), step,
 * save id, rank and world size, and its object.
 */
public record ShardContext(String checkpoint, long step, String saveId, int rank, int worldSize, ObjectUri uri) {

  /** "ROOT step N (save ID)". */
  public static String label(Object root, long step, String saveId) {
    return root + " step " + step + " (save " + saveId + ")";
  }

  public String label() {
    return label(checkpoint, step, saveId);
  }

  public CheckpointCorruptException corrupt(String part, String tensor, String problem, long offset, Integer expected,
      Integer actual) {
    return new CheckpointCorruptException(label(), rank, part, tensor, problem, uri.toString(), offset, expected, actual);
  }

  public CheckpointCorruptException corrupt(FormatException e) {
    CheckpointCorruptException c = corrupt(e.part(), null, e.getMessage(), e.offset(), e.expectedCrc(), e.actualCrc());
    c.initCause(e);
    return c;
  }

  /** Throws unless the header names this shard's checkpoint, rank and world size. */
  public void check(ShardHeader h) throws CheckpointCorruptException {
    if (h.step() != step || h.rank() != rank || h.worldSize() != worldSize || !h.saveId().equals(saveId)) {
      throw corrupt("header", null, "the shard belongs to step " + h.step() + " (save " + h.saveId() + ") rank "
          + h.rank() + " of " + h.worldSize() + ", not to this checkpoint's rank " + rank + " of " + worldSize
          + " (shards swapped or copied from another checkpoint?)", 0, null, null);
    }
  }
}
