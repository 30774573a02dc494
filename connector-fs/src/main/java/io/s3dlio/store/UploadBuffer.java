package io.s3dlio.store;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a streaming upload holds its blocks until they are sent: arrays in memory (the default),
 * or temporary files on disk, which keeps the heap small when many blocks are queued (large part
 * sizes, slow links, many concurrent writers).
 *
 * <p>Settings, under a backend's prefix ({@code s3.}, {@code gcs.}, {@code azure.}):
 * {@code upload-buffer} = {@code memory} | {@code disk}; {@code upload-buffer-dir} = the folder of
 * the temporary files (default {@code java.io.tmpdir}). Temporary files are deleted as soon as
 * their block is uploaded, and when the upload ends either way.
 *
 * @param disk whether blocks go to temporary files
 * @param dir the folder of those files (null for memory)
 */
public record UploadBuffer(boolean disk, Path dir) {
  public static final UploadBuffer MEMORY = new UploadBuffer(false, null);

  /** Reads {@code <prefix>upload-buffer} and {@code <prefix>upload-buffer-dir}. */
  public static UploadBuffer from(StoreConfig config, String prefix) {
    String kind = config.get(prefix + StoreKeys.S3_UPLOAD_BUFFER.suffix(), StoreKeys.S3_UPLOAD_BUFFER.defaultValue()).trim().toLowerCase(Locale.ROOT);
    switch (kind) {
      case "memory":
        return MEMORY;
      case "disk":
        return new UploadBuffer(true, Path.of(config.get(prefix + StoreKeys.S3_UPLOAD_BUFFER_DIR.suffix(), System.getProperty("java.io.tmpdir"))));
      default:
        throw new IllegalArgumentException("Cannot use setting " + prefix + StoreKeys.S3_UPLOAD_BUFFER.suffix() + ": '" + kind
            + "' (expected memory or disk)");
    }
  }

  /** A new, empty block of {@code capacity} bytes. */
  UploadBlock newBlock(int capacity) throws java.io.IOException {
    return disk ? UploadBlock.onDisk(dir, capacity) : UploadBlock.inMemory(capacity);
  }
}
