package io.s3dlio.store;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One block of a streaming upload (see {@link BlockUploadWriter}): filled once, then sealed and
 * handed to the backend, which reads it as often as its retries need ({@link #newStream()}).
 * {@link #close()} frees it (deletes the temporary file of a disk block).
 */
public abstract class UploadBlock implements Closeable {
  private final int capacity;
  private int length;
  private boolean sealed;

  private UploadBlock(int capacity) {
    this.capacity = capacity;
  }

  static UploadBlock inMemory(int capacity) {
    return new Memory(capacity);
  }

  static UploadBlock onDisk(Path dir, int capacity) throws IOException {
    return new Disk(dir, capacity);
  }

  /** Bytes in the block. */
  public final int length() {
    return length;
  }

  final int remaining() {
    return capacity - length;
  }

  final void write(byte[] b, int off, int len) throws IOException {
    if (sealed || len > remaining()) {
      throw new IllegalStateException("block is sealed or full");
    }
    append(b, off, len);
    length += len;
  }

  final void seal() throws IOException {
    if (!sealed) {
      sealed = true;
      finish();
    }
  }

  abstract void append(byte[] b, int off, int len) throws IOException;

  abstract void finish() throws IOException;

  /** A new stream of the block's bytes; may be called again (retries). */
  public abstract InputStream newStream() throws IOException;

  /** The block's file for a disk block; null for a memory block. */
  public abstract Path file();

  /**
   * The bytes: the backing array of a memory block (valid up to {@link #length()}), or the file's
   * content read into a new array for a disk block.
   */
  public abstract byte[] array() throws IOException;

  private static final class Memory extends UploadBlock {
    private byte[] data;

    Memory(int capacity) {
      super(capacity);
      this.data = new byte[capacity];
    }

    @Override
    void append(byte[] b, int off, int len) {
      System.arraycopy(b, off, data, length(), len);
    }

    @Override
    void finish() {
    }

    @Override
    public InputStream newStream() {
      return new ByteArrayInputStream(data, 0, length());
    }

    @Override
    public Path file() {
      return null;
    }

    @Override
    public byte[] array() {
      return data;
    }

    @Override
    public void close() {
      data = null;
    }
  }

  private static final class Disk extends UploadBlock {
    private final Path file;
    private final OutputStream out;

    Disk(Path dir, int capacity) throws IOException {
      super(capacity);
      Files.createDirectories(dir);
      this.file = Files.createTempFile(dir, "s3dlio-upload-", ".block");
      this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    @Override
    void append(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    void finish() throws IOException {
      out.close();
    }

    @Override
    public InputStream newStream() throws IOException {
      return Files.newInputStream(file);
    }

    @Override
    public Path file() {
      return file;
    }

    @Override
    public byte[] array() throws IOException {
      return Files.readAllBytes(file);
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }
}
