package io.s3dlio.loader.dataset;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A range of a local ({@code file://}) file read from a read-only memory mapping that the store
 * makes ({@link ObjectStore#mapRange}, so the store's request metrics and operation log count it):
 * each piece is copied once, from the page cache straight into its own array, with no read call
 * and no buffer in between (a stream copies every byte twice more: kernel to a native buffer to
 * the reader's buffer). The mapping covers the part of the range the file still holds when it is
 * mapped, so a file that shrank reads as data that ends early; one that shrinks while mapped
 * fails the read naming the file and offset. The mapping is released when it is garbage
 * collected, which is why only ranges of at least {@link #MIN_LENGTH} bytes are mapped (a few
 * thousand at most are alive between collections, far below the kernel's limit on mappings).
 */
final class MappedRange implements RangeInput {
  /** Shortest range mapped: shorter ones are read through the store's stream. */
  static final long MIN_LENGTH = RangeReader.MAX_BUFFER;
  /** Reads shorter than this (a record's header and footer) are copied by plain loads, not a bulk copy call. */
  private static final int SMALL = 32;
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final String uri;
  private final ByteBuffer map;
  private final long start;
  private final long nanos;
  private int pos;

  private MappedRange(String uri, ByteBuffer map, long start, long nanos) {
    this.uri = uri;
    // little-endian loads of the small reads store the same bytes into little-endian views
    this.map = map.order(ByteOrder.LITTLE_ENDIAN);
    this.start = start;
    this.nanos = nanos;
  }

  /** Whether a range of {@code length} bytes is read from a mapping that {@code store} makes. */
  static boolean applies(ObjectStore store, long length) {
    return length >= MIN_LENGTH && length <= Integer.MAX_VALUE && store.canMapRanges();
  }

  /** Maps {@code length} bytes of {@code uri} from {@code start} (fewer where the file is shorter now). */
  static MappedRange open(ObjectStore store, ObjectUri uri, long start, long length) throws IOException {
    long t0 = System.nanoTime();
    ByteBuffer map = store.mapRange(uri, start, length);
    return new MappedRange(uri.toString(), map, start, System.nanoTime() - t0);
  }

  @Override
  public long offset() {
    return start + pos;
  }

  @Override
  public long bytes() {
    return pos;
  }

  @Override
  public long nanos() {
    return nanos;
  }

  @Override
  public int read(byte[] dst, int off, int len) throws IOException {
    int k = Math.min(len, map.limit() - pos);
    try {
      if (k < SMALL) {
        small(dst, off, k);
      } else {
        map.get(pos, dst, off, k);
      }
    } catch (InternalError e) {
      // the JVM's report of a fault on a mapped page: the file was cut short under the mapping
      throw new IOException("read " + uri + " at byte " + (start + pos) + ": the file shrank while it was being read ("
          + e.getMessage() + ")", e);
    }
    pos += k;
    return k;
  }

  /** Copies {@code k} bytes from {@code pos} by 8-, 4- and 1-byte loads (a copy call costs more for a few bytes). */
  private void small(byte[] dst, int off, int k) {
    java.util.Objects.checkFromIndexSize(off, k, dst.length);
    int i = 0;
    for (; i + 8 <= k; i += 8) {
      LONG_LE.set(dst, off + i, map.getLong(pos + i));
    }
    if (i + 4 <= k) {
      INT_LE.set(dst, off + i, map.getInt(pos + i));
      i += 4;
    }
    for (; i < k; i++) {
      dst[off + i] = map.get(pos + i);
    }
  }

  @Override
  public boolean skipTo(long target) {
    long p = target - start;
    if (p > map.limit()) {
      pos = map.limit();
      return false;
    }
    pos = (int) p;
    return true;
  }

  @Override
  public void close() {
    // nothing to close: the mapping goes with the buffer
  }
}
