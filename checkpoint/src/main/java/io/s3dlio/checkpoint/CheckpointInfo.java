package io.s3dlio.checkpoint;

import io.s3dlio.checkpoint.format.Manifest;
import io.s3dlio.store.ObjectUri;
import java.time.Instant;
import java.util.Map;

/**
 * A committed checkpoint, as its manifest describes it.
 *
 * @param step training step
 * @param saveId the id its coordinator chose
 * @param worldSize number of ranks (shards)
 * @param totalBytes bytes of all shards
 * @param createdAt when it was committed
 * @param compression "none" or "zstd"
 * @param userMetadata the saver's metadata
 * @param manifest the manifest object
 */
public record CheckpointInfo(long step, String saveId, int worldSize, long totalBytes, Instant createdAt,
    String compression, Map<String, String> userMetadata, ObjectUri manifest) {

  static CheckpointInfo of(Manifest m, ObjectUri manifestUri) {
    return new CheckpointInfo(m.step(), m.saveId(), m.worldSize(), m.totalBytes(), m.createdAt(), m.compression(),
        m.userMetadata(), manifestUri);
  }
}
