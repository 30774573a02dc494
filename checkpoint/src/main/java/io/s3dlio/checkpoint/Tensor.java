package io.s3dlio.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A loaded tensor: its spec and its raw bytes (a little-endian, read-only view). */
public record Tensor(TensorSpec spec, ByteBuffer data) {

  public static Tensor of(TensorSpec spec, byte[] bytes) {
    spec.checkByteSize(bytes.length);
    return new Tensor(spec, ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  public String name() {
    return spec.name();
  }

  /** A copy of the raw bytes. */
  public byte[] bytes() {
    byte[] b = new byte[data.remaining()];
    data().get(b);
    return b;
  }

  /** The values of a float32 tensor. */
  public float[] toFloatArray() {
    require(DType.FLOAT32);
    float[] f = new float[data.remaining() / 4];
    data().asFloatBuffer().get(f);
    return f;
  }

  /** The values of an int64 tensor. */
  public long[] toLongArray() {
    require(DType.INT64);
    long[] l = new long[data.remaining() / 8];
    data().asLongBuffer().get(l);
    return l;
  }

  private void require(DType t) {
    if (spec.dtype() != t) {
      throw new IllegalStateException("Tensor '" + spec.name() + "' is " + spec.dtype() + ", not " + t);
    }
  }
}
