package io.s3dlio.checkpoint.format;

/**
 * One chunk of a tensor in a shard: {@code storedLength} bytes at {@code offset} (a zstd frame in a
 * compressed shard, else the raw bytes) that hold {@code rawLength} bytes of the tensor, and the
 * CRC32C of the stored bytes.
 */
public record ChunkRef(long offset, int storedLength, int rawLength, int crc32c) {
}
