package io.s3dlio.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One tensor to save: its name, element type, shape and a way to read its raw little-endian bytes
 * from the start. The bytes are read once, chunk by chunk, while the shard streams to the store, so
 * a source may be larger than memory (a file, a socket, a generator). For an asynchronous save the
 * bytes are read in the background: do not change them until the save's future completes.
 */
public final class TensorSource {
  /** Opens the tensor's bytes; called once per save. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  private final TensorSpec spec;
  private final Opener opener;
  /** The bytes, when they are in a heap buffer (read without copying), else null. */
  private final ByteBuffer heap;

  private TensorSource(TensorSpec spec, Opener opener) {
    this(spec, opener, null);
  }

  private TensorSource(TensorSpec spec, Opener opener, ByteBuffer heap) {
    this.spec = spec;
    this.opener = opener;
    this.heap = heap;
  }

  /** A tensor whose bytes come from {@code opener}, which must deliver exactly {@code spec.byteSize()} bytes. */
  public static TensorSource of(TensorSpec spec, Opener opener) {
    return new TensorSource(Objects.requireNonNull(spec, "spec is null"), Objects.requireNonNull(opener, "opener is null"));
  }

  /** A tensor held in a byte array (little-endian values). */
  public static TensorSource of(String name, DType dtype, long[] shape, byte[] data) {
    TensorSpec spec = TensorSpec.of(name, dtype, shape);
    spec.checkByteSize(data.length);
    return new TensorSource(spec, () -> new ByteArrayInputStream(data), ByteBuffer.wrap(data));
  }

  /** A tensor held in a buffer, from its position to its limit (little-endian values). */
  public static TensorSource of(String name, DType dtype, long[] shape, ByteBuffer data) {
    TensorSpec spec = TensorSpec.of(name, dtype, shape);
    spec.checkByteSize(data.remaining());
    ByteBuffer view = data.duplicate();
    return new TensorSource(spec, () -> new BufferInputStream(view.duplicate()), view.hasArray() ? view : null);
  }

  /** A float32 tensor. */
  public static TensorSource ofFloats(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return of(name, DType.FLOAT32, shape, b);
  }

  /** An int64 tensor. */
  public static TensorSource ofLongs(String name, long[] shape, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return of(name, DType.INT64, shape, b);
  }

  public TensorSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  public InputStream open() throws IOException {
    return opener.open();
  }

  /**
   * The bytes as a heap buffer (position to limit) when the source holds them in one, so a writer
   * can read them in place; empty for streamed sources.
   */
  public java.util.Optional<ByteBuffer> heapBuffer() {
    return java.util.Optional.ofNullable(heap).map(ByteBuffer::duplicate);
  }

  /** Reads a buffer without copying it first. */
  private static final class BufferInputStream extends InputStream {
    private final ByteBuffer buf;

    BufferInputStream(ByteBuffer buf) {
      this.buf = buf;
    }

    @Override
    public int read() {
      return buf.hasRemaining() ? buf.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (!buf.hasRemaining()) {
        return len == 0 ? 0 : -1;
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }
  }
}
