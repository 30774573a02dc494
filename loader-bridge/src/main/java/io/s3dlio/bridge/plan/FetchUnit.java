package io.s3dlio.bridge.plan;

/**
 * One Spark job of a run: the partitions of block {@code block}, delivering the rows whose output
 * positions fall in [outStart, outEnd). A wrap unit re-reads an early block to pad the last step
 * (its positions are the block's sequence positions plus the epoch's row count).
 */
public record FetchUnit(int index, int block, boolean wrap, long outStart, long outEnd) {
}
