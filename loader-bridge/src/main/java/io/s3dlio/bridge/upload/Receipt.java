package io.s3dlio.bridge.upload;

import java.io.Serializable;

/**
 * What a task returns to Spark instead of its data: which upload holds its partition. The driver
 * keeps the upload named by the receipt of the attempt Spark accepts and drops the others.
 *
 * @param attempt the task attempt id that wrote this receipt
 * @param holder the attempt whose upload holds the data: {@code attempt}, or an earlier attempt of the
 *     same task whose upload had the same row count and checksum (then this attempt sent nothing)
 * @param bytes bytes of the upload (positions, Arrow metadata and buffers)
 * @param crc CRC32C of the upload's bytes as sent (0 for an in-memory hand-over)
 */
public record Receipt(long attempt, long holder, long bytes, int crc) implements Serializable {
}
