package io.s3dlio.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test tensors. The "exact" ones use values every language computes identically (no rounding):
 * Python's tests compute the same formulas with numpy (loader-bridge/python/tests/test_checkpoint_java.py).
 */
final class Fixtures {
  private Fixtures() {
  }

  /** f32[i] = (i % 1000) * 0.25 - 100. */
  static float exactF32(int i) {
    return (i % 1000) * 0.25f - 100f;
  }

  /** f16[i] = ((i % 200) - 100) * 0.5. */
  static float exactF16(int i) {
    return ((i % 200) - 100) * 0.5f;
  }

  /** bf16[i] = ((i % 64) - 32) * 0.5. */
  static float exactBf16(int i) {
    return ((i % 64) - 32) * 0.5f;
  }

  /** i64[i] = i * 1000000007 - 5000000000000. */
  static long exactI64(int i) {
    return i * 1_000_000_007L - 5_000_000_000_000L;
  }

  /** The four exact tensors, f32 [64, 33], f16 [7, 11, 13], bf16 [1000], i64 [3, 5]; plus a scalar and an empty one. */
  static List<TensorSource> exact() {
    List<TensorSource> out = new ArrayList<>();
    float[] f32 = new float[64 * 33];
    for (int i = 0; i < f32.length; i++) {
      f32[i] = exactF32(i);
    }
    out.add(TensorSource.ofFloats("layer.0.weight", new long[] {64, 33}, f32));
    ByteBuffer f16 = le(7 * 11 * 13 * 2);
    for (int i = 0; i < 7 * 11 * 13; i++) {
      f16.putShort(halfBits(exactF16(i)));
    }
    out.add(TensorSource.of("layer.0.bias_f16", DType.FLOAT16, new long[] {7, 11, 13}, f16.flip()));
    ByteBuffer bf16 = le(1000 * 2);
    for (int i = 0; i < 1000; i++) {
      bf16.putShort((short) (Float.floatToIntBits(exactBf16(i)) >>> 16));
    }
    out.add(TensorSource.of("emb.bf16", DType.BFLOAT16, new long[] {1000}, bf16.flip()));
    long[] i64 = new long[15];
    for (int i = 0; i < i64.length; i++) {
      i64[i] = exactI64(i);
    }
    out.add(TensorSource.ofLongs("counts", new long[] {3, 5}, i64));
    out.add(TensorSource.ofLongs("step_scalar", new long[0], new long[] {42}));
    out.add(TensorSource.of("empty", DType.FLOAT32, new long[] {0, 4}, new byte[0]));
    return out;
  }

  /** IEEE half-precision bits of a float that half represents exactly (normal numbers and zero). */
  static short halfBits(float f) {
    int bits = Float.floatToIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    if ((bits & 0x7FFF_FFFF) == 0) {
      return (short) sign;
    }
    int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
    int mant = bits & 0x7F_FFFF;
    if (exp <= 0 || exp >= 31 || (mant & 0x1FFF) != 0) {
      throw new IllegalArgumentException(f + " is not exactly a normal half");
    }
    return (short) (sign | (exp << 10) | (mant >>> 13));
  }

  static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Float32 weights shaped like a trained layer (normal, std 0.02, some structure), so zstd finds
   * what it finds in real checkpoints rather than in random bytes or zeros.
   */
  static float[] weights(int n, long seed) {
    Random r = new Random(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (r.nextGaussian() * 0.02);
    }
    return w;
  }

  /** Random bytes of a tensor of {@code n} float32 values. */
  static TensorSource randomF32(String name, int n, long seed) {
    return TensorSource.ofFloats(name, new long[] {n}, weights(n, seed));
  }
}
