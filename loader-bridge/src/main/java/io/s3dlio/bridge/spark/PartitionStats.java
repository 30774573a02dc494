package io.s3dlio.bridge.spark;

/** Row count and content checksum of every partition, by partition id, from their first computation. */
public record PartitionStats(long[] counts, int[] checksums) {
  public long rows() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }
}
