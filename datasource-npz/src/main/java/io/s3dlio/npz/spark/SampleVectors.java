package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import java.nio.ByteOrder;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Read-only column vectors over the decoded arrays of a sample-layout read: one batch's rows are a
 * window of the array, moved by {@link Window#moveTo}, and values are read from the decoded
 * (little-endian) bytes where they lie: no copy. Only fixed-size Spark values are vectors here
 * (boolean, byte, short, int, long, float, double: {@link #holds}); rows of other dtypes go the
 * row path.
 */
final class SampleVectors {
  private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private SampleVectors() {
  }

  /**
   * Whether a values column whose elements are of Spark type {@code e} (one per row, or an array of
   * them per row) can be a vector here.
   */
  static boolean holds(DataType e) {
    return e instanceof BooleanType || e instanceof ByteType || e instanceof ShortType || e instanceof IntegerType
        || e instanceof LongType || e instanceof FloatType || e instanceof DoubleType;
  }

  /** A vector whose row 0 is some row of a read's range, set per batch. */
  interface Window {
    /** Makes row 0 of this vector row {@code pos} of the read's range (from 0). */
    void moveTo(long pos);
  }

  /** Not a type a vector here holds. */
  private static UnsupportedOperationException unsupported(DataType t, String what) {
    return new UnsupportedOperationException("A " + t.simpleString() + " sample column has no " + what + " values");
  }

  /** Read-only and never null: what every vector here shares. */
  private abstract static class ReadOnly extends ColumnVector {
    ReadOnly(DataType type) {
      super(type);
    }

    @Override
    public void close() {
      // nothing of its own: the decoded array belongs to the reader
    }

    @Override
    public boolean hasNull() {
      return false;
    }

    @Override
    public int numNulls() {
      return 0;
    }

    @Override
    public boolean isNullAt(int rowId) {
      return false;
    }

    @Override
    public boolean getBoolean(int rowId) {
      throw unsupported(type, "boolean");
    }

    @Override
    public byte getByte(int rowId) {
      throw unsupported(type, "byte");
    }

    @Override
    public short getShort(int rowId) {
      throw unsupported(type, "short");
    }

    @Override
    public int getInt(int rowId) {
      throw unsupported(type, "int");
    }

    @Override
    public long getLong(int rowId) {
      throw unsupported(type, "long");
    }

    @Override
    public float getFloat(int rowId) {
      throw unsupported(type, "float");
    }

    @Override
    public double getDouble(int rowId) {
      throw unsupported(type, "double");
    }

    @Override
    public ColumnarArray getArray(int rowId) {
      throw unsupported(type, "array");
    }

    @Override
    public ColumnarMap getMap(int ordinal) {
      throw unsupported(type, "map");
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
      throw unsupported(type, "decimal");
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
      throw unsupported(type, "string");
    }

    @Override
    public byte[] getBinary(int rowId) {
      throw unsupported(type, "binary");
    }

    @Override
    public ColumnVector getChild(int ordinal) {
      throw unsupported(type, "child");
    }
  }

  /**
   * The elements of a decoded array as a vector of Spark type {@code type} (the dtype's, see
   * {@link ArrayConverter#sparkType}): row {@code r} of the window at {@code pos} is element
   * {@code base + pos + r}. Elements whose
   * bytes are Spark's (int8–int64, float32/64 on a little-endian machine) are read straight from
   * the bytes; others (bool, uint8–uint32, float16) through the array's converting accessors.
   */
  static final class Elements extends ReadOnly implements Window {
    private final NpyArray array;
    private final byte[] data;
    private final int itemSize;
    private final boolean direct;
    private final long base;
    private long start;

    Elements(NpyArray array, DataType type, long base) {
      super(type);
      this.base = base;
      this.start = base;
      this.array = array;
      this.data = array.data();
      NpyDtype dt = array.dtype();
      this.itemSize = dt.itemSize();
      this.direct = NATIVE_LITTLE_ENDIAN && ArrayConverter.copiesSlices(dt);
    }

    @Override
    public void moveTo(long pos) {
      start = base + pos;
    }

    private int at(int rowId) {
      return (int) (start + rowId);
    }

    private long offset(int rowId) {
      return Platform.BYTE_ARRAY_OFFSET + (start + rowId) * itemSize;
    }

    @Override
    public boolean getBoolean(int rowId) {
      return array.getBoolean(at(rowId));
    }

    @Override
    public byte getByte(int rowId) {
      return direct ? Platform.getByte(data, offset(rowId)) : (byte) array.getLong(at(rowId));
    }

    @Override
    public short getShort(int rowId) {
      return direct ? Platform.getShort(data, offset(rowId)) : (short) array.getLong(at(rowId));
    }

    @Override
    public int getInt(int rowId) {
      return direct ? Platform.getInt(data, offset(rowId)) : (int) array.getLong(at(rowId));
    }

    @Override
    public long getLong(int rowId) {
      return direct ? Platform.getLong(data, offset(rowId)) : array.getLong(at(rowId));
    }

    @Override
    public float getFloat(int rowId) {
      return direct ? Platform.getFloat(data, offset(rowId)) : array.getFloat(at(rowId));
    }

    @Override
    public double getDouble(int rowId) {
      return direct ? Platform.getDouble(data, offset(rowId)) : array.getDouble(at(rowId));
    }
  }

  /**
   * Rows of a decoded array of rank > 1 as a vector of arrays: row {@code r} of the window at
   * {@code pos} is the {@code perRow} elements of the array's row {@code base + pos + r} (all axes
   * after the first, flattened in C order), over {@link Elements} of the whole array.
   */
  static final class Slices extends ReadOnly implements Window {
    private final Elements elements;
    private final int perRow;
    private final long base;
    private long start;

    Slices(NpyArray array, ArrayType type, int perRow, long base) {
      super(type);
      this.elements = new Elements(array, type.elementType(), 0);
      this.perRow = perRow;
      this.base = base;
      this.start = base;
    }

    @Override
    public void moveTo(long pos) {
      start = base + pos;
    }

    @Override
    public ColumnarArray getArray(int rowId) {
      return new ColumnarArray(elements, (int) ((start + rowId) * perRow), perRow);
    }

    @Override
    public ColumnVector getChild(int ordinal) {
      return elements;
    }
  }

  /** The sample-layout index column: row {@code r} of the window at {@code pos} is sample {@code first + pos + r} of the file. */
  static final class Index extends ReadOnly implements Window {
    private final long first;
    private long start;

    Index(long first) {
      super(DataTypes.LongType);
      this.first = first;
      this.start = first;
    }

    @Override
    public void moveTo(long pos) {
      start = first + pos;
    }

    @Override
    public long getLong(int rowId) {
      return start + rowId;
    }
  }
}
