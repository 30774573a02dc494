package io.s3dlio.bridge;

import io.s3dlio.bridge.arrow.BatchAssembler;
import io.s3dlio.bridge.arrow.WireSchema;
import io.s3dlio.bridge.plan.EpochPlan;
import io.s3dlio.bridge.plan.Tail;
import io.s3dlio.bridge.spark.DataFrameSource;
import io.s3dlio.bridge.spark.PartitionStats;
import io.s3dlio.bridge.upload.UploadInbox;
import io.s3dlio.bridge.upload.UploadServer;
import io.s3dlio.bridge.upload.UploadTarget;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the runs of one feed share: the source, its first-computation stats, the settings, the pools,
 * and the uploads' inbox and port ({@code uploads} null: partitions come as task results).
 */
record FeedContext(String feedId, DataFrameSource source, WireSchema wire, BatchAssembler assembler,
    PartitionStats partitions, String fingerprint, int worldSize, int batchSize, long seed, int blockPartitions,
    int prefetchBlocks, Tail tail, Duration reconnectTimeout, FeedStats stats, ExecutorService fetchPool,
    ScheduledExecutorService timers, UploadInbox inbox, UploadServer uploads) {

  /** Where the tasks of a unit upload, or null (task results). */
  UploadTarget uploadTarget(long run, int unit) {
    return uploads == null ? null : uploads.target(run, unit);
  }

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
