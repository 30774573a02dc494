package io.s3dlio.checkpoint.dist;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ranks that are threads of one process (tests, or one process writing several shards). Each
 * operation waits at most the given timeout for the other ranks; after a timeout or an interrupt
 * the group is broken and every later operation fails at once.
 */
public final class InProcessCollective implements CheckpointCollective {
  private final Group group;
  private final int rank;

  private InProcessCollective(Group group, int rank) {
    this.group = group;
    this.rank = rank;
  }

  /** {@code worldSize} members, index = rank. */
  public static List<CheckpointCollective> create(int worldSize, Duration timeout) {
    if (worldSize < 1) {
      throw new IllegalArgumentException("world size " + worldSize);
    }
    Group g = new Group(worldSize, timeout);
    List<CheckpointCollective> out = new ArrayList<>(worldSize);
    for (int r = 0; r < worldSize; r++) {
      out.add(new InProcessCollective(g, r));
    }
    return out;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int worldSize() {
    return group.slots.length;
  }

  @Override
  public String broadcast(String value) throws IOException {
    if (rank == 0) {
      group.slots[0] = value;
    }
    group.await("broadcast", rank);
    String v = group.slots[0];
    group.await("broadcast", rank);
    return v;
  }

  @Override
  public List<String> gather(String value) throws IOException {
    group.slots[rank] = value;
    group.await("gather", rank);
    List<String> out = rank == 0 ? new ArrayList<>(Arrays.asList(group.slots)) : List.of();
    group.await("gather", rank);
    return out;
  }

  private static final class Group {
    private final String[] slots;
    private final CyclicBarrier barrier;
    private final Duration timeout;

    Group(int n, Duration timeout) {
      this.slots = new String[n];
      this.barrier = new CyclicBarrier(n);
      this.timeout = timeout;
    }

    void await(String op, int rank) throws IOException {
      try {
        barrier.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(op + " on rank " + rank + ": interrupted");
      } catch (TimeoutException e) {
        throw new IOException(op + " on rank " + rank + ": the other ranks did not arrive within " + timeout, e);
      } catch (BrokenBarrierException e) {
        throw new IOException(op + " on rank " + rank + ": another rank failed or timed out", e);
      }
    }
  }
}
