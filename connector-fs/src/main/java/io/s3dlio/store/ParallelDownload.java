package io.s3dlio.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Downloads one object (or a byte range of it) into a local file with concurrent ranged GETs: the
 * range is cut into parts of {@link Settings#partSize()} bytes, up to {@link Settings#concurrency()}
 * of them in flight, each written in place with positional writes into the file (sized first,
 * so parts land in any order). Every part reads the version the download started with (the ETag
 * of a first {@code stat}, sent as {@code If-Match}), so a replaced object fails the download with
 * {@link ObjectChangedException} instead of mixing versions. The first failed part stops the
 * others (at their next chunk) and is thrown; the caller owns the file and deletes it.
 *
 * <p>Settings: {@link StoreConfig#RANGE_CONCURRENCY} ({@code S3DLIO_RANGE_CONCURRENCY}) and
 * {@link StoreConfig#RANGE_PART_SIZE} ({@code S3DLIO_RANGE_PART_SIZE}).
 */
public final class ParallelDownload {
  /** Bytes moved from a part's GET to the file at a time. */
  private static final int CHUNK = 1 << 20;

  /**
   * @param concurrency parts in flight (1: one GET)
   * @param partSize bytes per part
   */
  public record Settings(int concurrency, long partSize) {
    public static final int CONCURRENCY_DEFAULT = StoreKeys.RANGE_CONCURRENCY.intDefault();
    public static final long PART_SIZE_DEFAULT = StoreKeys.RANGE_PART_SIZE.sizeDefault();

    public Settings {
      if (concurrency < 1 || partSize < 1) {
        throw new IllegalArgumentException("Bad download settings: " + StoreConfig.RANGE_CONCURRENCY + "="
            + concurrency + " (need >= 1), " + StoreConfig.RANGE_PART_SIZE + "=" + partSize + " (need >= 1)");
      }
    }

    /** From {@link StoreConfig#RANGE_CONCURRENCY} and {@link StoreConfig#RANGE_PART_SIZE}. */
    public static Settings from(StoreConfig config) {
      return new Settings(config.getInt(StoreConfig.RANGE_CONCURRENCY, CONCURRENCY_DEFAULT),
          config.getBytes(StoreConfig.RANGE_PART_SIZE, PART_SIZE_DEFAULT));
    }
  }

  private final ObjectStore store;
  private final Settings settings;

  public ParallelDownload(ObjectStore store, Settings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * Writes bytes {@code [offset, offset + length)} of {@code uri} ({@code length < 0}: to the end)
   * to {@code out} from position 0, which is sized to exactly that many bytes; returns the count.
   * {@code progress} hears of every chunk written (from several threads).
   */
  public long toFile(ObjectUri uri, long offset, long length, FileChannel out, LongConsumer progress)
      throws IOException {
    ObjectStat st = store.stat(uri);
    if (offset < 0 || (offset > 0 && offset >= st.size())) {
      throw new EOFException(StoreErrors.message("get", uri, "offset " + offset + " is at or past the end (size "
          + st.size() + ")"));
    }
    long total = length < 0 ? st.size() - offset : Math.min(length, st.size() - offset);
    out.truncate(0);
    if (total == 0) {
      return 0;
    }
    // sized up front: parts are positional writes, in any order, into a file of the final length
    out.write(ByteBuffer.wrap(new byte[1]), total - 1);
    long partSize = settings.concurrency() == 1 ? total : settings.partSize();
    int parts = (int) Math.min(Integer.MAX_VALUE, (total + partSize - 1) / partSize);
    int threads = Math.min(settings.concurrency(), parts);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Run run = new Run(uri, st.etag(), offset, total, partSize, parts, next, failure, out, progress);
    if (threads == 1) {
      drain(run);
    } else {
      AtomicInteger n = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "s3dlio-download-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          tasks.add(pool.submit(() -> drain(run)));
        }
        for (Future<?> f : tasks) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, new InterruptedIOException("get " + uri + ": interrupted"));
      } catch (ExecutionException e) {
        failure.compareAndSet(null, e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    Throwable t = failure.get();
    if (t instanceof IOException io) {
      throw io;
    }
    if (t != null) {
      throw new StoreException(StoreErrors.message("get", uri, StoreErrors.rootCause(t)), t);
    }
    return total;
  }

  /** One download: what its parts share. */
  private record Run(ObjectUri uri, String etag, long offset, long total, long partSize, int parts,
      AtomicInteger next, AtomicReference<Throwable> failure, FileChannel out, LongConsumer progress) {
  }

  /** Takes parts until none is left or one failed. */
  private void drain(Run r) {
    byte[] buf = new byte[(int) Math.min(CHUNK, r.partSize())];
    int k;
    while (r.failure().get() == null && (k = r.next().getAndIncrement()) < r.parts()) {
      long at = k * r.partSize();
      try {
        part(r, at, Math.min(r.partSize(), r.total() - at), buf);
      } catch (Throwable t) {
        r.failure().compareAndSet(null, t);
      }
    }
  }

  /** Part {@code [at, at + len)} of the range: one GET, written at {@code at} in the file. */
  private void part(Run r, long at, long len, byte[] buf) throws IOException {
    long from = r.offset() + at;
    try (InputStream in = store.openRange(r.uri(), from, len, r.etag())) {
      long done = 0;
      while (done < len) {
        if (r.failure().get() != null) {
          return; // another part failed: stop, the download is lost anyway
        }
        int want = (int) Math.min(buf.length, len - done);
        int got = in.readNBytes(buf, 0, want);
        if (got < want) {
          throw new EOFException(StoreErrors.message("get", r.uri(), "the object ended at offset "
              + (from + done + got) + ", inside the part [" + from + ", " + (from + len) + ") (was it replaced?)"));
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, got);
        long pos = at + done;
        while (b.hasRemaining()) {
          pos += r.out().write(b, pos);
        }
        done += got;
        r.progress().accept(got);
      }
    }
  }
}
