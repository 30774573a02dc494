package io.s3dlio.loader.dataset;

import io.s3dlio.loader.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Converting tensors for comparison with what numpy and h5py wrote. */
final class Values {
  private Values() {
  }

  /** The elements as doubles (unsigned types read unsigned; float16 widened). */
  static double[] doubles(Tensor t) {
    double[] out = new double[t.count()];
    Object a = t.array();
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (t.dtype()) {
        case BOOL, INT8 -> ((byte[]) a)[i];
        case UINT8 -> Byte.toUnsignedInt(((byte[]) a)[i]);
        case INT16 -> ((short[]) a)[i];
        case UINT16 -> Short.toUnsignedInt(((short[]) a)[i]);
        case FLOAT16 -> io.s3dlio.npz.format.NpyArray.halfToFloat(((short[]) a)[i]);
        case INT32 -> ((int[]) a)[i];
        case UINT32 -> Integer.toUnsignedLong(((int[]) a)[i]);
        case FLOAT32 -> ((float[]) a)[i];
        case INT64, UINT64 -> ((long[]) a)[i];
        case FLOAT64 -> ((double[]) a)[i];
      };
    }
    return out;
  }

  /** The elements as little-endian bytes, as numpy's {@code tobytes()} of a little-endian array. */
  static byte[] littleEndian(Tensor t) {
    ByteBuffer b = ByteBuffer.allocate((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    Object a = t.array();
    if (a instanceof byte[] x) {
      b.put(x);
    } else if (a instanceof short[] x) {
      b.asShortBuffer().put(x);
    } else if (a instanceof int[] x) {
      b.asIntBuffer().put(x);
    } else if (a instanceof long[] x) {
      b.asLongBuffer().put(x);
    } else if (a instanceof float[] x) {
      b.asFloatBuffer().put(x);
    } else {
      b.asDoubleBuffer().put((double[]) a);
    }
    return b.array();
  }

  /** A file of little-endian float64 values (what the Python scripts write as the reference). */
  static double[] readF8(Path p) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    double[] d = new double[b.remaining() / 8];
    b.asDoubleBuffer().get(d);
    return d;
  }
}
