package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * numpy dtypes to Spark types, and decoded array elements to Spark's internal values. Pure value
 * conversion, no I/O.
 *
 * <pre>
 * bool → boolean      int8 → byte     int16 → short   int32 → int     int64 → long
 * uint8 → short       uint16 → int    uint32 → long   uint64 → decimal(20,0)
 * float16, float32 → float            float64 → double
 * complex64 → struct&lt;real: float, imag: float&gt;     complex128 → struct&lt;real: double, imag: double&gt;
 * S (bytes) → binary (trailing NULs removed)          U (text) → string (trailing NULs removed)
 * </pre>
 */
final class ArrayConverter {
  static final DecimalType UINT64 = DataTypes.createDecimalType(20, 0);
  static final StructType COMPLEX64 = new StructType().add("real", DataTypes.FloatType, false)
      .add("imag", DataTypes.FloatType, false);
  static final StructType COMPLEX128 = new StructType().add("real", DataTypes.DoubleType, false)
      .add("imag", DataTypes.DoubleType, false);

  /** Spark's array values hold their elements in native order (Platform's accessors). */
  private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private ArrayConverter() {
  }

  /** The Spark type of one element of {@code dtype}. */
  static DataType sparkType(NpyDtype dtype) {
    int sz = dtype.itemSize();
    switch (dtype.kind()) {
      case 'b':
        return DataTypes.BooleanType;
      case 'i':
        return sz == 1 ? DataTypes.ByteType : sz == 2 ? DataTypes.ShortType : sz == 4 ? DataTypes.IntegerType
            : DataTypes.LongType;
      case 'u':
        return sz == 1 ? DataTypes.ShortType : sz == 2 ? DataTypes.IntegerType : sz == 4 ? DataTypes.LongType
            : UINT64;
      case 'f':
        return sz == 8 ? DataTypes.DoubleType : DataTypes.FloatType;
      case 'c':
        return sz == 8 ? COMPLEX64 : COMPLEX128;
      case 'S':
        return DataTypes.BinaryType;
      default:
        return DataTypes.StringType;
    }
  }

  /** Elements {@code [from, from + n)} as an array value. */
  static ArrayData toArray(NpyArray a, int from, int n) {
    NpyDtype dt = a.dtype();
    int sz = dt.itemSize();
    long at = Platform.BYTE_ARRAY_OFFSET + (long) from * sz;
    if (copiesSlices(dt) && at <= Integer.MAX_VALUE) {
      // Spark's element has the numpy element's size and, in native (little-endian) order, its
      // bytes: the values go from the decoded array into the array value in one copy.
      return UnsafeArrayData.fromPrimitiveArray(a.data(), (int) at, n, sz);
    }
    ByteBuffer b = ByteBuffer.wrap(a.data(), from * sz, n * sz).slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (dt.kind() << 8 | sz) {
      case 'b' << 8 | 1: {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = a.getBoolean(from + i);
        }
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'i' << 8 | 1: {
        byte[] v = new byte[n];
        b.get(v);
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'i' << 8 | 2: {
        short[] v = new short[n];
        b.asShortBuffer().get(v);
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'i' << 8 | 4: {
        int[] v = new int[n];
        b.asIntBuffer().get(v);
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'i' << 8 | 8: {
        long[] v = new long[n];
        b.asLongBuffer().get(v);
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'u' << 8 | 1: {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
          v[i] = (short) (b.get(i) & 0xff);
        }
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'u' << 8 | 2: {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = b.getShort(i * 2) & 0xffff;
        }
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'u' << 8 | 4: {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = b.getInt(i * 4) & 0xffffffffL;
        }
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'f' << 8 | 4: {
        float[] v = new float[n];
        b.asFloatBuffer().get(v);
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'f' << 8 | 8: {
        double[] v = new double[n];
        b.asDoubleBuffer().get(v);
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      case 'f' << 8 | 2: {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = a.getFloat(from + i);
        }
        return UnsafeArrayData.fromPrimitiveArray(v);
      }
      default: {
        Object[] v = new Object[n];
        for (int i = 0; i < n; i++) {
          v[i] = element(a, from + i);
        }
        return new GenericArrayData(v);
      }
    }
  }

  /** One element as a Spark internal value. */
  static Object element(NpyArray a, int i) {
    NpyDtype dt = a.dtype();
    switch (dt.kind()) {
      case 'b':
        return a.getBoolean(i);
      case 'i':
        switch (dt.itemSize()) {
          case 1:
            return (byte) a.getLong(i);
          case 2:
            return (short) a.getLong(i);
          case 4:
            return (int) a.getLong(i);
          default:
            return a.getLong(i);
        }
      case 'u':
        switch (dt.itemSize()) {
          case 1:
            return (short) a.getLong(i);
          case 2:
            return (int) a.getLong(i);
          case 4:
            return a.getLong(i);
          default:
            return Decimal.apply(new BigDecimal(a.getUnsignedBig(i)), 20, 0);
        }
      case 'f':
        return dt.itemSize() == 8 ? (Object) a.getDouble(i) : (Object) a.getFloat(i);
      case 'c':
        InternalRow r = dt.itemSize() == 8
            ? new GenericInternalRow(new Object[] {(float) a.getReal(i), (float) a.getImag(i)})
            : new GenericInternalRow(new Object[] {a.getReal(i), a.getImag(i)});
        return r;
      case 'S':
        return a.getBytes(i);
      default:
        return UTF8String.fromString(a.getString(i));
    }
  }

  /**
   * Whether {@link #writeSlice} writes a slice of an array of {@code dtype}: Spark's element has the
   * numpy element's size and, in native (little-endian) order, its bytes.
   */
  static boolean copiesSlices(NpyDtype dtype) {
    return NATIVE_LITTLE_ENDIAN && (dtype.kind() == 'i' || dtype.kind() == 'f' && dtype.itemSize() != 2);
  }

  /** Whether {@link #writeElement} writes an element of {@code dtype} (a fixed-size Spark value). */
  static boolean writesElements(NpyDtype dtype) {
    return switch (dtype.kind()) {
      case 'b', 'i', 'f' -> true;
      case 'u' -> dtype.itemSize() <= 4;
      default -> false;
    };
  }

  /**
   * Writes elements {@code [from, from + n)} of {@code a} (a dtype {@link #copiesSlices} accepts)
   * as field {@code ordinal} of the row {@code row} is writing: the array value's header, then its
   * values in one copy from the decoded bytes. {@code slice} is an array writer of {@code row} for
   * the dtype's element size.
   */
  static void writeSlice(UnsafeRowWriter row, UnsafeArrayWriter slice, int ordinal, NpyArray a, int from, int n) {
    int start = row.cursor();
    slice.initialize(n); // writes the header, reserves and pads the values
    int size = a.dtype().itemSize();
    Platform.copyMemory(a.data(), Platform.BYTE_ARRAY_OFFSET + (long) from * size, row.getBuffer(),
        start + UnsafeArrayData.calculateHeaderPortionInBytes(n), (long) n * size);
    row.setOffsetAndSizeFromPreviousCursor(ordinal, start);
  }

  /** Writes element {@code i} of {@code a} (a dtype {@link #writesElements} accepts) as field {@code ordinal}. */
  static void writeElement(UnsafeRowWriter row, int ordinal, NpyArray a, int i) {
    NpyDtype dt = a.dtype();
    switch (dt.kind() << 8 | dt.itemSize()) {
      case 'b' << 8 | 1 -> row.write(ordinal, a.getBoolean(i));
      case 'i' << 8 | 1 -> row.write(ordinal, (byte) a.getLong(i));
      case 'i' << 8 | 2, 'u' << 8 | 1 -> row.write(ordinal, (short) a.getLong(i));
      case 'i' << 8 | 4, 'u' << 8 | 2 -> row.write(ordinal, (int) a.getLong(i));
      case 'i' << 8 | 8, 'u' << 8 | 4 -> row.write(ordinal, a.getLong(i));
      case 'f' << 8 | 2, 'f' << 8 | 4 -> row.write(ordinal, a.getFloat(i));
      case 'f' << 8 | 8 -> row.write(ordinal, a.getDouble(i));
      default -> throw new IllegalArgumentException("Cannot write a " + dt.descr() + " element as a fixed-size value");
    }
  }

  static ArrayData shape(long[] shape) {
    return UnsafeArrayData.fromPrimitiveArray(shape);
  }
}
