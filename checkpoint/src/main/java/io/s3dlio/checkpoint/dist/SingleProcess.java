package io.s3dlio.checkpoint.dist;

import java.util.List;

/** World size 1: broadcast and gather return the caller's own value. */
enum SingleProcess implements CheckpointCollective {
  INSTANCE;

  @Override
  public int rank() {
    return 0;
  }

  @Override
  public int worldSize() {
    return 1;
  }

  @Override
  public String broadcast(String value) {
    return value;
  }

  @Override
  public List<String> gather(String value) {
    return List.of(value);
  }
}
