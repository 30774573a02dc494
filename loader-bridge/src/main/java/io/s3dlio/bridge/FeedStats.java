package io.s3dlio.bridge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The feed's own accounting. Buffered bytes are the encoded partitions the driver holds (uploaded by
 * tasks, or fetched, and not yet released); they are bounded by the blocks in flight, whatever the
 * dataset's size.
 */
public final class FeedStats {
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong peakBuffered = new AtomicLong();
  private final AtomicLong largestBlock = new AtomicLong();
  private final AtomicLong blocksFetched = new AtomicLong();
  private final AtomicLong bytesFetched = new AtomicLong();
  private final AtomicLong batchesSent = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong runsCompleted = new AtomicLong();
  private final AtomicLong runsFailed = new AtomicLong();
  private final AtomicLong partitionsUploaded = new AtomicLong();
  private final AtomicLong partitionsAsTaskResults = new AtomicLong();

  /** Bytes of encoded partitions held now. */
  public long bufferedBytes() {
    return buffered.get();
  }

  /** Most bytes of encoded partitions held at once since the feed started. */
  public long peakBufferedBytes() {
    return peakBuffered.get();
  }

  /** Bytes of the largest block (the partitions of one Spark job) fetched so far. */
  public long largestBlockBytes() {
    return largestBlock.get();
  }

  public long blocksFetched() {
    return blocksFetched.get();
  }

  /** Bytes of all blocks fetched so far (what the buffered bytes would be if nothing were released). */
  public long bytesFetched() {
    return bytesFetched.get();
  }

  public long batchesSent() {
    return batchesSent.get();
  }

  /** Frame bytes written to ranks (headers, Arrow metadata and data, CRCs). */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Epoch runs that every rank finished. */
  public long runsCompleted() {
    return runsCompleted.get();
  }

  /** Epoch runs that failed (Spark job failure, non-deterministic input, rank timeout). */
  public long runsFailed() {
    return runsFailed.get();
  }

  /**
   * Partitions the feed took from the upload inbox (handed over in memory in the driver's JVM, or
   * sent by an executor over TCP to the upload port), counted when their job ends.
   */
  public long partitionsUploaded() {
    return partitionsUploaded.get();
  }

  /**
   * Partitions that came back as Spark task results: every one with {@code upload=off}; otherwise
   * those whose task could not reach the upload port (the executors log a warning).
   */
  public long partitionsAsTaskResults() {
    return partitionsAsTaskResults.get();
  }

  void partitionReceived(boolean uploaded) {
    (uploaded ? partitionsUploaded : partitionsAsTaskResults).incrementAndGet();
  }

  void blockFetched(long bytes) {
    blocksFetched.incrementAndGet();
    bytesFetched.addAndGet(bytes);
    largestBlock.accumulateAndGet(bytes, Math::max);
    held(bytes);
  }

  /** Bytes now held: a fetched block, or an upload not taken yet. */
  void held(long bytes) {
    long now = buffered.addAndGet(bytes);
    peakBuffered.accumulateAndGet(now, Math::max);
  }

  void released(long bytes) {
    buffered.addAndGet(-bytes);
  }

  void sent(long bytes) {
    batchesSent.incrementAndGet();
    bytesSent.addAndGet(bytes);
  }

  void runCompleted() {
    runsCompleted.incrementAndGet();
  }

  void runFailed() {
    runsFailed.incrementAndGet();
  }

  @Override
  public String toString() {
    return String.format("buffered %d B (peak %d B, largest block %d B), %d blocks fetched (partitions: %d uploaded, "
        + "%d as task results), %d batches / %d B sent, %d runs completed, %d failed", bufferedBytes(),
        peakBufferedBytes(), largestBlockBytes(), blocksFetched(), partitionsUploaded(), partitionsAsTaskResults(),
        batchesSent(), bytesSent(), runsCompleted(), runsFailed());
  }
}
