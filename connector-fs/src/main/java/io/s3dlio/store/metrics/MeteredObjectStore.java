package io.s3dlio.store.metrics;

import io.s3dlio.store.BlockUploadWriter;
import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ListingPages;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.ResumingInputStream;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreKeys;
import io.s3dlio.store.VersionedStream;
import io.s3dlio.store.WriteOptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} that times every operation of the store it wraps into {@link StoreMetrics}
 * and, when configured, the {@link OpLog}: the one instrumentation seam of all backends.
 * {@link io.s3dlio.store.ObjectStores#open} wraps every store it opens (see {@link #wrap}).
 *
 * <p>Streaming operations are measured as the bytes flow: a stream from {@link #openRange} counts
 * the bytes delivered, notes the time of its first byte and ends at {@code close()} (or its first
 * error); a writer from {@link #openWriter} is one PUT from open to its committing close, and each
 * part it uploads (S3 multipart, Azure blocks) is a {@link StoreOp#PART_UPLOAD} timed on the thread
 * that sends it; a listing is one {@link StoreOp#LIST} per page request.
 */
public final class MeteredObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(MeteredObjectStore.class);
  private final ObjectStore delegate;
  private final Metering metering;

  private MeteredObjectStore(ObjectStore delegate, Metering metering) {
    this.delegate = delegate;
    this.metering = metering;
  }

  /**
   * {@code store} wrapped as {@code config} asks ({@link MetricsKeys}); unwrapped when both metrics
   * and the operation log are off. Takes over {@code store}: closes it if the log cannot start.
   */
  public static ObjectStore wrap(ObjectStore store, StoreConfig config) throws IOException {
    try {
      boolean metrics = config.getBoolean(MetricsKeys.METRICS_ENABLED, MetricsKeys.METRICS_ENABLED_DEFAULT);
      OpLog.Settings logSettings = MetricsKeys.opLog(config);
      OpLog log = logSettings == null ? null : OpLog.acquire(logSettings);
      LOG.debug("Opened the {}:// store ({}), metrics {}, operation log {}", store.scheme().id(),
          store.getClass().getSimpleName(), metrics ? "on" : "off", log == null ? "off" : log.file());
      if (!metrics && log == null) {
        return store;
      }
      return new MeteredObjectStore(store, new Metering(store.scheme(), metrics ? new StoreMetrics() : null,
          StoreMetrics.global(), log, endpoint(store.scheme(), config)));
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static String endpoint(ObjectUri.Scheme scheme, StoreConfig config) {
    return switch (scheme) {
      case S3 -> config.get(StoreKeys.S3_ENDPOINT.name(), "https://s3." + config.get(StoreKeys.S3_REGION.name(), StoreKeys.S3_REGION.defaultValue()) + ".amazonaws.com");
      case GS -> config.get(StoreKeys.GCS_ENDPOINT.name(), StoreKeys.GCS_ENDPOINT.defaultValue());
      case AZ -> config.get(StoreKeys.AZURE_ENDPOINT.name(), StoreKeys.AZURE_ENDPOINT.defaultValue()).replace("{account}.", "")
          .replace("{account}", "");
      case FILE, DIRECT -> "";
    };
  }

  /** This store's metrics (null when {@code metrics.enabled=false}). */
  public StoreMetrics metrics() {
    return metering.metrics();
  }

  /** Records dropped by the operation log so far (0 without one). */
  public long opLogDropped() {
    return metering.log() == null ? 0 : metering.log().dropped();
  }

  /** The wrapped store. */
  public ObjectStore delegate() {
    return delegate;
  }

  /** The store's own stream under a metered one (for tests that inspect it). */
  public static InputStream unwrap(InputStream in) {
    return in instanceof MeteredInputStream m ? m.inner() : in;
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T timed(StoreOp op, ObjectUri uri, long objects, Call<T> call, long bytes) throws IOException {
    long t0 = System.nanoTime();
    try {
      T r = call.run();
      long b = bytes >= 0 ? bytes : r instanceof byte[] a ? a.length : r instanceof ByteBuffer m ? m.remaining() : 0;
      metering.done(op, uri, t0, -1, System.nanoTime(), b, objects, null);
      return r;
    } catch (IOException | RuntimeException e) {
      metering.done(op, uri, t0, -1, System.nanoTime(), 0, objects, e);
      throw e;
    }
  }

  @Override
  public ObjectUri.Scheme scheme() {
    return delegate.scheme();
  }

  @Override
  public byte[] get(ObjectUri uri) throws IOException {
    return timed(StoreOp.GET, uri, 1, () -> delegate.get(uri), -1);
  }

  @Override
  public byte[] getRange(ObjectUri uri, long offset, int length) throws IOException {
    return timed(StoreOp.GET_RANGE, uri, 1, () -> delegate.getRange(uri, offset, length), -1);
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length) throws IOException {
    return openRange(uri, offset, length, null);
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length, String etag) throws IOException {
    StoreOp op = offset == 0 && length < 0 ? StoreOp.GET : StoreOp.GET_RANGE;
    long t0 = System.nanoTime();
    InputStream in;
    try {
      in = delegate.openRange(uri, offset, length, etag);
    } catch (IOException | RuntimeException e) {
      metering.done(op, uri, t0, -1, System.nanoTime(), 0, 1, e);
      throw e;
    }
    return new MeteredInputStream(in, op, uri, t0);
  }

  @Override
  public boolean canMapRanges() {
    return delegate.canMapRanges();
  }

  /** One {@link StoreOp#GET_RANGE} of the bytes mapped, timed while mapping (the page-cache reads come later). */
  @Override
  public ByteBuffer mapRange(ObjectUri uri, long offset, long length) throws IOException {
    return timed(StoreOp.GET_RANGE, uri, 1, () -> delegate.mapRange(uri, offset, length), -1);
  }

  @Override
  public void put(ObjectUri uri, byte[] data, WriteOptions options) throws IOException {
    timed(StoreOp.PUT, uri, 1, () -> {
      delegate.put(uri, data, options);
      return null;
    }, data.length);
  }

  @Override
  public ObjectWriter openWriter(ObjectUri uri, WriteOptions options) throws IOException {
    long t0 = System.nanoTime();
    ObjectWriter w;
    try {
      w = delegate.openWriter(uri, options);
    } catch (IOException | RuntimeException e) {
      metering.done(StoreOp.PUT, uri, t0, -1, System.nanoTime(), 0, 1, e);
      throw e;
    }
    if (w instanceof BlockUploadWriter<?> b) {
      b.partListener((number, bytes, start, end, error) ->
          metering.done(StoreOp.PART_UPLOAD, uri, start, -1, end, bytes, 1, error));
    }
    return new MeteredWriter(w, uri, t0);
  }

  @Override
  public Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) throws IOException {
    long t0 = System.nanoTime();
    Iterator<ObjectEntry> it;
    try {
      it = delegate.list(prefix, options);
    } catch (IOException | RuntimeException e) {
      metering.done(StoreOp.LIST, prefix, t0, -1, System.nanoTime(), 0, 0, e);
      throw e;
    }
    long t1 = System.nanoTime();
    if (!(it instanceof ListingPages pages)) {
      metering.done(StoreOp.LIST, prefix, t0, -1, t1, 0, 0, null);
      return it;
    }
    ListingPages.Count count = pages.pageCount();
    if (count.pages() > 0) {
      metering.done(StoreOp.LIST, prefix, t0, -1, t1, 0, count.lastPageSize(), null);
    }
    return new MeteredListing(it, count, prefix);
  }

  @Override
  public ObjectStat stat(ObjectUri uri) throws IOException {
    return timed(StoreOp.STAT, uri, 1, () -> delegate.stat(uri), 0);
  }

  @Override
  public void delete(ObjectUri uri) throws IOException {
    timed(StoreOp.DELETE, uri, 1, () -> {
      delegate.delete(uri);
      return null;
    }, 0);
  }

  @Override
  public List<DeleteFailure> deleteAll(List<ObjectUri> uris) throws IOException {
    if (uris.isEmpty()) {
      return delegate.deleteAll(uris);
    }
    return timed(StoreOp.DELETE_BULK, uris.get(0), uris.size(), () -> delegate.deleteAll(uris), 0);
  }

  @Override
  public int bulkDeletePageSize() {
    return delegate.bulkDeletePageSize();
  }

  @Override
  public void copy(ObjectUri source, ObjectUri target) throws IOException {
    timed(StoreOp.COPY, target, 1, () -> {
      delegate.copy(source, target);
      return null;
    }, 0);
  }

  @Override
  public boolean supportsConditionalCreate() {
    return delegate.supportsConditionalCreate();
  }

  @Override
  public void close() throws IOException {
    try {
      delegate.close();
    } finally {
      if (metering.log() != null) {
        metering.log().release();
      }
    }
  }

  @Override
  public String toString() {
    return "Metered(" + delegate + ")";
  }

  /** A read counted as its bytes flow; one operation from open to close (or the first error). */
  private final class MeteredInputStream extends FilterInputStream implements VersionedStream {
    private final StoreOp op;
    private final ObjectUri uri;
    private final long start;
    private long firstByte = -1;
    private long bytes;
    private IOException error;
    private boolean done;

    MeteredInputStream(InputStream in, StoreOp op, ObjectUri uri, long start) {
      super(in);
      this.op = op;
      this.uri = uri;
      this.start = start;
    }

    InputStream inner() {
      return in;
    }

    @Override
    public String etag() {
      return ResumingInputStream.etagOf(in);
    }

    private void got(long n) {
      if (n > 0) {
        if (firstByte < 0) {
          firstByte = System.nanoTime();
        }
        bytes += n;
      }
    }

    private IOException failed(IOException e) {
      if (error == null) {
        error = e;
      }
      return e;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        throw failed(e);
      }
      got(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw failed(e);
      }
      got(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k;
      try {
        k = in.skip(n);
      } catch (IOException e) {
        throw failed(e);
      }
      got(k);
      return k;
    }

    @Override
    public void close() throws IOException {
      try {
        in.close();
      } finally {
        if (!done) {
          done = true;
          metering.done(op, uri, start, firstByte, System.nanoTime(), bytes, 1, error);
        }
      }
    }
  }

  /** A streaming write: one PUT from open to the committing close (an abort is a failed PUT). */
  private final class MeteredWriter extends ObjectWriter {
    private final ObjectWriter w;
    private final ObjectUri uri;
    private final long start;
    private boolean done;

    MeteredWriter(ObjectWriter w, ObjectUri uri, long start) {
      this.w = w;
      this.uri = uri;
      this.start = start;
    }

    @Override
    public void write(int b) throws IOException {
      w.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      w.write(b, off, len);
    }

    @Override
    public long bytesWritten() {
      return w.bytesWritten();
    }

    private void finish(Throwable error) {
      if (!done) {
        done = true;
        metering.done(StoreOp.PUT, uri, start, -1, System.nanoTime(), w.bytesWritten(), 1, error);
      }
    }

    @Override
    public void abort() throws IOException {
      try {
        w.abort();
      } finally {
        finish(new IOException("write aborted"));
      }
    }

    @Override
    public void close() throws IOException {
      try {
        w.close();
      } catch (IOException | RuntimeException e) {
        finish(e);
        throw e;
      }
      finish(null);
    }
  }

  /** Times each page request made while iterating (the first one was timed by list()). */
  private final class MeteredListing implements Iterator<ObjectEntry> {
    private final Iterator<ObjectEntry> it;
    private final ListingPages.Count pages;
    private final ObjectUri prefix;

    MeteredListing(Iterator<ObjectEntry> it, ListingPages.Count pages, ObjectUri prefix) {
      this.it = it;
      this.pages = pages;
      this.prefix = prefix;
    }

    @Override
    public boolean hasNext() {
      long before = pages.pages();
      long t0 = System.nanoTime();
      boolean r;
      try {
        r = it.hasNext();
      } catch (RuntimeException e) {
        metering.done(StoreOp.LIST, prefix, t0, -1, System.nanoTime(), 0, 0, e);
        throw e;
      }
      long fetched = pages.pages() - before;
      if (fetched > 0) {
        // a walk that read several directories in one step reports them as one timed page
        metering.done(StoreOp.LIST, prefix, t0, -1, System.nanoTime(), 0, pages.lastPageSize(), null);
      }
      return r;
    }

    @Override
    public ObjectEntry next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("list " + prefix + ": no more entries");
      }
      return it.next();
    }
  }
}
