package io.s3dlio.npz.format;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Positional reads of one file: the seam between the codec and where the bytes live (an
 * {@link ObjectStore} object, or bytes in memory). Counts its requests and bytes so callers and
 * tests can see how much was fetched.
 */
public abstract class RangeSource {
  private final String name;
  private final long size;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  protected RangeSource(String name, long size) {
    this.name = Objects.requireNonNull(name, "name is null");
    this.size = size;
  }

  /** An object of a store whose size is known (from a listing or a stat). */
  public static RangeSource of(ObjectStore store, ObjectUri uri, long size) {
    return new RangeSource(uri.toString(), size) {
      @Override
      protected byte[] fetch(long offset, int length) throws IOException {
        return store.getRange(uri, offset, length);
      }

      @Override
      protected InputStream stream(long offset, long length) throws IOException {
        return store.openRange(uri, offset, length);
      }
    };
  }

  /** Bytes in memory. */
  public static RangeSource of(String name, byte[] data) {
    return new RangeSource(name, data.length) {
      @Override
      protected byte[] fetch(long offset, int length) {
        byte[] b = new byte[length];
        System.arraycopy(data, (int) offset, b, 0, length);
        return b;
      }

      @Override
      protected InputStream stream(long offset, long length) {
        return new ByteArrayInputStream(data, (int) offset, (int) length);
      }
    };
  }

  protected abstract byte[] fetch(long offset, int length) throws IOException;

  protected abstract InputStream stream(long offset, long length) throws IOException;

  /** The file's name (URI) for messages. */
  public String name() {
    return name;
  }

  public long size() {
    return size;
  }

  /** Exactly {@code length} bytes from {@code offset}; a range past the end is a format error. */
  public byte[] read(long offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new NpzFormatException(name, Math.min(offset, size), "needs bytes [" + offset + ", "
          + (offset + length) + ") but the file is " + size + " bytes");
    }
    if (length == 0) {
      return new byte[0];
    }
    requests.incrementAndGet();
    byte[] b = fetch(offset, length);
    bytes.addAndGet(b.length);
    if (b.length != length) {
      throw new NpzFormatException(name, offset + b.length, "read returned " + b.length + " of " + length
          + " bytes requested at offset " + offset);
    }
    return b;
  }

  /** A stream of {@code length} bytes from {@code offset}. */
  public InputStream open(long offset, long length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new NpzFormatException(name, Math.min(offset, size), "needs bytes [" + offset + ", "
          + (offset + length) + ") but the file is " + size + " bytes");
    }
    requests.incrementAndGet();
    bytes.addAndGet(length);
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    return stream(offset, length);
  }

  /** Read requests made so far (ranged gets and opened streams). */
  public long requests() {
    return requests.get();
  }

  /** Bytes requested so far. */
  public long bytesRead() {
    return bytes.get();
  }
}
