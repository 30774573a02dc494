package io.s3dlio.loader.dataset;

import io.s3dlio.loader.FetchContext;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A read-only {@link SeekableByteChannel} over one object, read by range in blocks of
 * {@code blockSize} bytes and kept in a small least-recently-used cache of {@code cacheBlocks}
 * blocks, so that a library that reads a file by many small seeks and reads (jhdf reading HDF5
 * metadata and chunks) costs one range GET per block instead of one per read. Not thread-safe:
 * its user serialises access.
 */
final class StoreChannel implements SeekableByteChannel {
  private final ObjectStore store;
  private final ObjectUri uri;
  private final long size;
  private final int blockSize;
  private final Map<Long, byte[]> cache;
  private long position;
  private boolean open = true;
  private FetchContext ctx = FetchContext.NONE;

  StoreChannel(ObjectStore store, ObjectUri uri, long size, int blockSize, int cacheBlocks) {
    this.store = store;
    this.uri = uri;
    this.size = size;
    this.blockSize = blockSize;
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
        return size() > cacheBlocks;
      }
    };
  }

  /** Where the next requests are reported. */
  void context(FetchContext c) {
    this.ctx = c;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (position >= size) {
      return -1;
    }
    int total = 0;
    while (dst.hasRemaining() && position < size) {
      long block = position / blockSize;
      byte[] b = block(block);
      int at = (int) (position - block * blockSize);
      int n = Math.min(dst.remaining(), b.length - at);
      dst.put(b, at, n);
      position += n;
      total += n;
    }
    return total;
  }

  private byte[] block(long block) throws IOException {
    byte[] b = cache.get(block);
    if (b == null) {
      long start = block * blockSize;
      int len = (int) Math.min(blockSize, size - start);
      long t0 = System.nanoTime();
      b = store.getRange(uri, start, len);
      ctx.request(System.nanoTime() - t0, b.length);
      if (b.length != len) {
        throw new IOException("Cannot read " + uri + " at byte " + (start + b.length) + ": the object ends there, but it"
            + " had " + size + " bytes when opened (it changed)");
      }
      cache.put(block, b);
    }
    return b;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long p) {
    if (p < 0) {
      throw new IllegalArgumentException("Cannot seek " + uri + " to " + p);
    }
    position = p;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long s) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    cache.clear();
  }
}
