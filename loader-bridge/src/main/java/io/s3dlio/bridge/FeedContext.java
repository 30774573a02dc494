package io.s3dlio.bridge;

import io.s3dlio.bridge.arrow.BatchAssembler;
import io.s3dlio.bridge.arrow.WireSchema;
import io.s3dlio.bridge.plan.EpochPlan;
import io.s3dlio.bridge.plan.Tail;
import io.s3dlio.bridge.spark.DataFrameSource;
import io.s3dlio.bridge.spark.PartitionStats;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** What the runs of one feed share: the source, its first-computation stats, the settings and the pools. */
record FeedContext(String feedId, DataFrameSource source, WireSchema wire, BatchAssembler assembler,
    PartitionStats partitions, String fingerprint, int worldSize, int batchSize, long seed, int blockPartitions,
    int prefetchBlocks, Tail tail, Duration reconnectTimeout, FeedStats stats, ExecutorService fetchPool,
    ScheduledExecutorService timers) {

  EpochPlan epochPlan(long epoch) {
    return EpochPlan.of(partitions.counts(), blockPartitions, seed, epoch);
  }

  long rows() {
    return partitions.rows();
  }

  long globalBatch() {
    return (long) worldSize * batchSize;
  }
}
