package io.s3dlio.checkpoint.format;

import io.s3dlio.checkpoint.TensorSpec;
import java.util.List;

/**
 * A tensor as the shard index describes it: its spec, the CRC32C of its raw (uncompressed) bytes,
 * and its chunks in order (offsets ascending; raw lengths add up to the spec's byte size).
 */
public record TensorEntry(TensorSpec spec, int crc32c, List<ChunkRef> chunks) {
  public TensorEntry {
    chunks = List.copyOf(chunks);
  }

  public String name() {
    return spec.name();
  }

  public long size() {
    return spec.byteSize();
  }

  /** Bytes the tensor takes in the shard. */
  public long storedSize() {
    long n = 0;
    for (ChunkRef c : chunks) {
      n += c.storedLength();
    }
    return n;
  }
}
