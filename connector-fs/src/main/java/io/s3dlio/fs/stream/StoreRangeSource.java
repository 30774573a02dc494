package io.s3dlio.fs.stream;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.io.InputStream;

/** Ranges of one object through {@link ObjectStore#openRange} (streams) and {@link ObjectStore#getRange}. */
public final class StoreRangeSource implements RangeSource {
  private final ObjectStore store;
  private final ObjectUri uri;

  public StoreRangeSource(ObjectStore store, ObjectUri uri) {
    this.store = store;
    this.uri = uri;
  }

  @Override
  public InputStream open(long offset, long length) throws IOException {
    return store.openRange(uri, offset, length);
  }

  @Override
  public int readAt(long position, byte[] buf, int off, int len) throws IOException {
    byte[] data = store.getRange(uri, position, len);
    System.arraycopy(data, 0, buf, off, data.length);
    return data.length;
  }
}
