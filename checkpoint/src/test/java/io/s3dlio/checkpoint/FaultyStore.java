package io.s3dlio.checkpoint;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreException;
import io.s3dlio.store.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real store with faults injected at chosen operations (a test double of failures only: every
 * operation that is not faulted goes to the real store). Each fault fires once, on the first
 * operation of its kind whose key contains its marker. Also counts the bytes of ranged reads and
 * range streams.
 */
final class FaultyStore implements ObjectStore {
  enum Kind {
    /** a whole-object put fails before it reaches the store */
    PUT,
    /** a whole-object put reaches the store, then reports a failure (a lost reply) */
    PUT_LOST_REPLY,
    /** a stat fails */
    STAT,
    /** a streaming write fails once it has taken {@code afterBytes} bytes (its upload is aborted) */
    WRITE,
    /** a streaming write's close succeeds, then the writer reports a failure (its rank then fails) */
    FAIL_AFTER_CLOSE
  }

  private record Fault(Kind kind, String marker, long afterBytes) {
  }

  private final ObjectStore delegate;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger fired = new AtomicInteger();
  final AtomicLong rangeBytes = new AtomicLong();

  FaultyStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  FaultyStore inject(Kind kind, String marker) {
    return inject(kind, marker, 0);
  }

  FaultyStore inject(Kind kind, String marker, long afterBytes) {
    faults.add(new Fault(kind, marker, afterBytes));
    return this;
  }

  int fired() {
    return fired.get();
  }

  private Fault take(Kind kind, ObjectUri uri) {
    for (Fault f : faults) {
      if (f.kind == kind && uri.key().contains(f.marker) && faults.remove(f)) {
        fired.incrementAndGet();
        return f;
      }
    }
    return null;
  }

  private static StoreException injected(String op, ObjectUri uri) {
    return new StoreException(op + " " + uri + ": injected fault (connection reset)", null);
  }

  @Override
  public ObjectUri.Scheme scheme() {
    return delegate.scheme();
  }

  @Override
  public byte[] get(ObjectUri uri) throws IOException {
    return delegate.get(uri);
  }

  @Override
  public byte[] getRange(ObjectUri uri, long offset, int length) throws IOException {
    byte[] b = delegate.getRange(uri, offset, length);
    rangeBytes.addAndGet(b.length);
    return b;
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length) throws IOException {
    return new java.io.FilterInputStream(delegate.openRange(uri, offset, length)) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        rangeBytes.addAndGet(b < 0 ? 0 : 1);
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        rangeBytes.addAndGet(Math.max(0, n));
        return n;
      }
    };
  }

  @Override
  public void put(ObjectUri uri, byte[] data, WriteOptions options) throws IOException {
    if (take(Kind.PUT, uri) != null) {
      throw injected("put", uri);
    }
    boolean lost = take(Kind.PUT_LOST_REPLY, uri) != null;
    delegate.put(uri, data, options);
    if (lost) {
      throw injected("put", uri);
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectUri uri, WriteOptions options) throws IOException {
    ObjectWriter w = delegate.openWriter(uri, options);
    Fault write = take(Kind.WRITE, uri);
    Fault afterClose = take(Kind.FAIL_AFTER_CLOSE, uri);
    if (write == null && afterClose == null) {
      return w;
    }
    return new ObjectWriter() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (write != null && w.bytesWritten() + len > write.afterBytes) {
          w.abort();
          throw injected("write (part upload)", uri);
        }
        w.write(b, off, len);
      }

      @Override
      public void abort() throws IOException {
        w.abort();
      }

      @Override
      public long bytesWritten() {
        return w.bytesWritten();
      }

      @Override
      public void close() throws IOException {
        w.close();
        if (afterClose != null) {
          throw injected("after closing", uri);
        }
      }
    };
  }

  @Override
  public Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) throws IOException {
    return delegate.list(prefix, options);
  }

  @Override
  public ObjectStat stat(ObjectUri uri) throws IOException {
    if (take(Kind.STAT, uri) != null) {
      throw injected("stat", uri);
    }
    return delegate.stat(uri);
  }

  @Override
  public void delete(ObjectUri uri) throws IOException {
    delegate.delete(uri);
  }

  @Override
  public List<DeleteFailure> deleteAll(List<ObjectUri> uris) throws IOException {
    return delegate.deleteAll(uris);
  }

  @Override
  public int bulkDeletePageSize() {
    return delegate.bulkDeletePageSize();
  }

  @Override
  public void copy(ObjectUri source, ObjectUri target) throws IOException {
    delegate.copy(source, target);
  }

  @Override
  public boolean supportsConditionalCreate() {
    return delegate.supportsConditionalCreate();
  }

  @Override
  public void close() {
    // the delegate belongs to the test
  }
}
