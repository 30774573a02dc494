package io.s3dlio.checkpoint.dist;

import java.io.IOException;
import java.util.List;

/**
 * The two collective operations a distributed save needs, implemented by the trainer over its own
 * process group (torch.distributed, MPI, a Spark barrier stage, ...). Every rank calls the same
 * operations in the same order; rank 0 is the coordinator.
 *
 * <p>A save uses them as follows: rank 0 chooses the save id and broadcasts it (no rank uses its
 * own clock); every rank writes its shard and gathers a report (size and CRC32C, or its error) to
 * rank 0; rank 0 checks that every shard is present with that size, commits, and broadcasts the
 * outcome, so that every rank returns the same result. An implementation should time out rather
 * than wait forever for a rank that died: the save then fails on every rank and nothing is
 * committed.
 */
public interface CheckpointCollective {

  /** This process's rank, 0 to {@link #worldSize()} - 1. */
  int rank();

  /** Number of ranks. */
  int worldSize();

  /**
   * Rank 0's {@code value} to every rank. Ranks other than 0 pass null.
   *
   * @return rank 0's value, on every rank
   */
  String broadcast(String value) throws IOException;

  /**
   * Every rank's {@code value} to rank 0.
   *
   * @return on rank 0, the values in rank order; on other ranks, an empty list
   */
  List<String> gather(String value) throws IOException;

  /** The collective of a single process (world size 1). */
  static CheckpointCollective single() {
    return SingleProcess.INSTANCE;
  }
}
