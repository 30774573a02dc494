package io.s3dlio.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The bounded-memory machinery of a streaming upload in blocks, shared by the backends that
 * upload in parts (S3 multipart, Azure staged blocks).
 *
 * <p>Bytes fill one block of {@code blockSize}; a full block is handed to the executor and the
 * writer goes on with a new block. At most {@code maxActiveBlocks} blocks are held at once
 * (uploading or filling), so the buffer is bounded by {@code maxActiveBlocks * blockSize}; a
 * writer that gets ahead waits. Blocks live in memory or in temporary files ({@link UploadBuffer}).
 * An object smaller than one block is sent with one plain put at close.
 * Any failure aborts the upload, so no object and no orphan parts are left behind.
 *
 * @param <P> what the store returns for an uploaded block (an ETag, a block id)
 */
public abstract class BlockUploadWriter<P> extends ObjectWriter {
  protected final ObjectUri uri;
  private final int blockSize;
  private final ExecutorService executor;
  private final Semaphore permits;
  private final UploadBuffer buffer;
  private final List<Future<P>> parts = new ArrayList<>();
  /** Every block not yet freed, so that an abort frees queued ones too. */
  private final List<UploadBlock> live = java.util.Collections.synchronizedList(new ArrayList<>());
  private UploadBlock block;
  /** Told of each uploaded block (metrics); null: nobody listens. */
  private volatile PartListener partListener;
  private long written;
  private boolean started;
  private boolean done;

  protected BlockUploadWriter(ObjectUri uri, int blockSize, int maxActiveBlocks, ExecutorService executor) {
    this(uri, blockSize, maxActiveBlocks, executor, UploadBuffer.MEMORY);
  }

  protected BlockUploadWriter(ObjectUri uri, int blockSize, int maxActiveBlocks, ExecutorService executor,
      UploadBuffer buffer) {
    if (blockSize <= 0 || maxActiveBlocks < 2) {
      throw new IllegalArgumentException("Cannot write " + uri + ": block size " + blockSize
          + " and active blocks " + maxActiveBlocks + " (need > 0 and >= 2)");
    }
    this.uri = uri;
    this.blockSize = blockSize;
    this.executor = executor;
    this.permits = new Semaphore(maxActiveBlocks);
    this.buffer = buffer;
  }

  /** Hears of each block upload as it ends, on the thread that sent it. */
  @FunctionalInterface
  public interface PartListener {
    /** Block {@code number} of {@code bytes} was sent from {@code start} to {@code end} (nanoTime); error null on success. */
    void partDone(int number, long bytes, long start, long end, Throwable error);
  }

  /** Sets who hears of each block upload; call before the first write. */
  public void partListener(PartListener listener) {
    this.partListener = listener;
  }

  /** Starts the multi-block upload (e.g. CreateMultipartUpload). Called before the first block. */
  protected abstract void begin() throws IOException;

  /**
   * Uploads block {@code number} (1-based). Runs on the executor; must be thread-safe. The block
   * is freed after this returns.
   */
  protected abstract P uploadBlock(int number, UploadBlock block) throws IOException;

  /** Makes the object visible from the uploaded blocks, in order. */
  protected abstract void complete(List<P> blocks) throws IOException;

  /** Discards a started upload. */
  protected abstract void abortUpload() throws IOException;

  /** Writes a small object (at most one block; {@code block} may be empty) in one request. */
  protected abstract void putWhole(UploadBlock block) throws IOException;

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (block == null || block.remaining() == 0) {
        nextBlock();
      }
      int n = Math.min(len, block.remaining());
      try {
        block.write(b, off, n);
      } catch (IOException e) {
        abortQuietly();
        throw new StoreException(StoreErrors.message("write", uri, "cannot buffer a block: " + StoreErrors.rootCause(e)), e);
      }
      off += n;
      len -= n;
      written += n;
    }
  }

  private void nextBlock() throws IOException {
    if (block != null) {
      submit(block);
    }
    acquire();
    block = newBlock();
  }

  private UploadBlock newBlock() throws IOException {
    try {
      UploadBlock b = buffer.newBlock(blockSize);
      live.add(b);
      return b;
    } catch (IOException e) {
      permits.release();
      abortQuietly();
      throw new StoreException(StoreErrors.message("write", uri, "cannot create an upload buffer in " + buffer.dir()
          + ": " + StoreErrors.rootCause(e)), e);
    }
  }

  private void free(UploadBlock b) {
    live.remove(b);
    try {
      b.close();
    } catch (IOException | RuntimeException ignored) {
      // a temporary file that cannot be deleted is not worth failing the upload for
    }
  }

  private void acquire() throws IOException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abortQuietly();
      throw new InterruptedIOException("write " + uri + ": interrupted while waiting for a free block");
    }
  }

  private void submit(UploadBlock data) throws IOException {
    try {
      data.seal();
      if (!started) {
        begin();
        started = true;
      }
      int number = parts.size() + 1;
      parts.add(executor.submit(() -> {
        long start = System.nanoTime();
        Throwable error = null;
        try {
          return uploadBlock(number, data);
        } catch (IOException | RuntimeException | Error e) {
          error = e;
          throw e;
        } finally {
          PartListener l = partListener;
          if (l != null) {
            l.partDone(number, data.length(), start, System.nanoTime(), error);
          }
          free(data);
          permits.release();
        }
      }));
    } catch (IOException | RuntimeException e) {
      permits.release();
      abortQuietly();
      throw e;
    }
    failFast();
  }

  /** Surfaces a failed block early instead of at close. */
  private void failFast() throws IOException {
    for (Future<P> f : parts) {
      if (f.isDone()) {
        await(f);
      }
    }
  }

  private P await(Future<P> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abortQuietly();
      throw new InterruptedIOException("write " + uri + ": interrupted");
    } catch (ExecutionException e) {
      abortQuietly();
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new StoreException(StoreErrors.message("write", uri, StoreErrors.rootCause(c)), c);
    }
  }

  @Override
  public long bytesWritten() {
    return written;
  }

  @Override
  public void close() throws IOException {
    if (done) {
      return;
    }
    try {
      if (!started) {
        UploadBlock whole = block == null ? newBlockWithoutPermit() : block;
        whole.seal();
        putWhole(whole);
      } else {
        if (block.length() > 0) {
          submit(block);
        } else {
          free(block);
          permits.release();
        }
        block = null;
        List<P> results = new ArrayList<>(parts.size());
        for (Future<P> f : parts) {
          results.add(await(f));
        }
        complete(results);
      }
      done = true;
    } catch (IOException | RuntimeException e) {
      abortQuietly();
      throw e;
    } finally {
      block = null;
      freeAll();
    }
  }

  private UploadBlock newBlockWithoutPermit() throws IOException {
    UploadBlock b = buffer.newBlock(0);
    live.add(b);
    return b;
  }

  private void freeAll() {
    for (UploadBlock b : new ArrayList<>(live)) {
      free(b);
    }
  }

  @Override
  public void abort() throws IOException {
    if (done) {
      return;
    }
    done = true;
    block = null;
    for (Future<P> f : parts) {
      f.cancel(true);
    }
    freeAll();
    if (started) {
      abortUpload();
    }
  }

  private void abortQuietly() {
    try {
      abort();
    } catch (IOException | RuntimeException ignored) {
      // the original failure is what the caller needs to see
    }
  }

  private void ensureOpen() throws IOException {
    if (done) {
      throw new IOException("write " + uri + ": writer is closed or aborted");
    }
  }
}
