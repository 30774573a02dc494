package io.s3dlio.store.local;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreKeys;

/**
 * Settings of the {@code file://} and {@code direct://} stores.
 *
 * @param fsync whether writes are forced to disk before they are made visible
 * @param directBufferSize size of the aligned buffer of O_DIRECT reads and writes
 * @param directFallback what {@code direct://} does where the filesystem refuses O_DIRECT
 *     (tmpfs, some FUSE and network filesystems): fail with a clear error, or read and write
 *     through the page cache
 */
record LocalStoreConfig(boolean fsync, int directBufferSize, DirectFallback directFallback) {
  /** Force data to disk before a write becomes visible. */
  static final String FSYNC = StoreKeys.LOCAL_FSYNC.name();
  static final boolean FSYNC_DEFAULT = StoreKeys.LOCAL_FSYNC.booleanDefault();
  /** Aligned buffer size of O_DIRECT I/O; rounded up to the filesystem block size. */
  static final String DIRECT_BUFFER_SIZE = StoreKeys.DIRECT_BUFFER_SIZE.name();
  static final long DIRECT_BUFFER_SIZE_DEFAULT = StoreKeys.DIRECT_BUFFER_SIZE.sizeDefault();
  /** {@code fail} (default) or {@code buffered}: what to do where O_DIRECT is refused. */
  static final String DIRECT_FALLBACK = StoreKeys.DIRECT_FALLBACK.name();

  enum DirectFallback { FAIL, BUFFERED }

  static LocalStoreConfig from(StoreConfig config) {
    long buf = config.getBytes(DIRECT_BUFFER_SIZE, DIRECT_BUFFER_SIZE_DEFAULT);
    if (buf < 4096 || buf > (1L << 30)) {
      throw new IllegalArgumentException("Cannot use " + DIRECT_BUFFER_SIZE + "=" + buf + ": must be 4k..1g");
    }
    String fb = config.get(DIRECT_FALLBACK, StoreKeys.DIRECT_FALLBACK.defaultValue()).trim();
    DirectFallback fallback;
    if (fb.equalsIgnoreCase("fail")) {
      fallback = DirectFallback.FAIL;
    } else if (fb.equalsIgnoreCase("buffered")) {
      fallback = DirectFallback.BUFFERED;
    } else {
      throw new IllegalArgumentException("Cannot use " + DIRECT_FALLBACK + "='" + fb + "': expected fail or buffered");
    }
    return new LocalStoreConfig(config.getBoolean(FSYNC, FSYNC_DEFAULT), (int) buf, fallback);
  }
}
