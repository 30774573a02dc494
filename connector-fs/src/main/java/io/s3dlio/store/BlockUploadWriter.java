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
 * (uploading or filling), so memory is bounded by {@code maxActiveBlocks * blockSize}; a writer
 * that gets ahead waits. An object smaller than one block is sent with one plain put at close.
 * Any failure aborts the upload, so no object and no orphan parts are left behind.
 *
 * @param <P> what the store returns for an uploaded block (an ETag, a block id)
 */
public abstract class BlockUploadWriter<P> extends ObjectWriter {
  protected final ObjectUri uri;
  private final int blockSize;
  private final ExecutorService executor;
  private final Semaphore permits;
  private final List<Future<P>> parts = new ArrayList<>();
  private byte[] block;
  private int fill;
  private long written;
  private boolean started;
  private boolean done;

  protected BlockUploadWriter(ObjectUri uri, int blockSize, int maxActiveBlocks, ExecutorService executor) {
    if (blockSize <= 0 || maxActiveBlocks < 2) {
      throw new IllegalArgumentException("Cannot write " + uri + ": block size " + blockSize
          + " and active blocks " + maxActiveBlocks + " (need > 0 and >= 2)");
    }
    this.uri = uri;
    this.blockSize = blockSize;
    this.executor = executor;
    this.permits = new Semaphore(maxActiveBlocks);
  }

  /** Starts the multi-block upload (e.g. CreateMultipartUpload). Called before the first block. */
  protected abstract void begin() throws IOException;

  /** Uploads block {@code number} (1-based). Runs on the executor; must be thread-safe. */
  protected abstract P uploadBlock(int number, byte[] data, int length) throws IOException;

  /** Makes the object visible from the uploaded blocks, in order. */
  protected abstract void complete(List<P> blocks) throws IOException;

  /** Discards a started upload. */
  protected abstract void abortUpload() throws IOException;

  /** Writes a small object in one request. */
  protected abstract void putWhole(byte[] data, int length) throws IOException;

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (block == null || fill == block.length) {
      nextBlock();
    }
    block[fill++] = (byte) b;
    written++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (block == null || fill == block.length) {
        nextBlock();
      }
      int n = Math.min(len, block.length - fill);
      System.arraycopy(b, off, block, fill, n);
      fill += n;
      off += n;
      len -= n;
      written += n;
    }
  }

  private void nextBlock() throws IOException {
    if (block != null) {
      submit(block, fill);
    }
    acquire();
    block = new byte[blockSize];
    fill = 0;
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

  private void submit(byte[] data, int length) throws IOException {
    try {
      if (!started) {
        begin();
        started = true;
      }
      int number = parts.size() + 1;
      parts.add(executor.submit(() -> {
        try {
          return uploadBlock(number, data, length);
        } finally {
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
        putWhole(block == null ? new byte[0] : block, fill);
      } else {
        if (fill > 0) {
          submit(block, fill);
        } else {
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
