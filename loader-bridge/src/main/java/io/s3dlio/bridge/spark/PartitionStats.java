package io.s3dlio.bridge.spark;

/**
 * Row count of every partition, by partition id, and a checksum of its content from its first
 * computation: from the count pass when that pass read the rows, else recorded by the partition's
 * first fetch. Every later computation must match both.
 */
public final class PartitionStats {
  private final long[] counts;
  private final int[] checksums;
  private final boolean[] known;

  PartitionStats(long[] counts, int[] checksums, boolean known) {
    this.counts = counts;
    this.checksums = checksums;
    this.known = new boolean[counts.length];
    java.util.Arrays.fill(this.known, known);
  }

  public long[] counts() {
    return counts;
  }

  public int partitions() {
    return counts.length;
  }

  public long rows() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** Whether the checksum of {@code partition} is known yet. */
  public synchronized boolean known(int partition) {
    return known[partition];
  }

  public synchronized int checksum(int partition) {
    return checksums[partition];
  }

  /**
   * Checks a computation of {@code partition}: its count must match, and its checksum too once known
   * (the first computation records it). Returns null when it matches, else what differs.
   */
  public synchronized String verify(int partition, long count, int checksum) {
    if (count != counts[partition]) {
      return known[partition]
          ? String.format("first %d rows, checksum %08x; now %d rows, checksum %08x", counts[partition],
              checksums[partition], count, checksum)
          : String.format("counted %d rows; now %d rows", counts[partition], count);
    }
    if (!known[partition]) {
      known[partition] = true;
      checksums[partition] = checksum;
      return null;
    }
    if (checksums[partition] != checksum) {
      return String.format("first %d rows, checksum %08x; now %d rows, checksum %08x", counts[partition],
          checksums[partition], count, checksum);
    }
    return null;
  }
}
