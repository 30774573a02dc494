package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Collects the elements of one column, from rows or arrays, as little-endian numpy values, and
 * builds the array. The reverse of {@link ArrayConverter}: boolean → bool, byte → int8,
 * short → int16, int → int32, long → int64, decimal(20,0) → uint64, float → float32,
 * double → float64, struct&lt;real, imag&gt; → complex64/128, string → U (width of the longest),
 * binary → S (width of the longest).
 */
final class ColumnBuffer {
  private static final Charset UTF32LE = Charset.forName("UTF-32LE");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final String column;
  private final DataType type;
  private final char kind;
  private final int itemSize;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ByteBuffer scratch = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
  private final List<byte[]> variable = new ArrayList<>();
  private int maxWidth;
  private long elements;

  ColumnBuffer(String column, DataType type) {
    this.column = column;
    this.type = type;
    if (type instanceof BooleanType) {
      kind = 'b';
      itemSize = 1;
    } else if (type instanceof ByteType) {
      kind = 'i';
      itemSize = 1;
    } else if (type instanceof ShortType) {
      kind = 'i';
      itemSize = 2;
    } else if (type instanceof IntegerType) {
      kind = 'i';
      itemSize = 4;
    } else if (type instanceof LongType) {
      kind = 'i';
      itemSize = 8;
    } else if (type instanceof FloatType) {
      kind = 'f';
      itemSize = 4;
    } else if (type instanceof DoubleType) {
      kind = 'f';
      itemSize = 8;
    } else if (type instanceof DecimalType d && d.scale() == 0 && d.precision() <= 20) {
      kind = 'u';
      itemSize = 8;
    } else if (type.equals(ArrayConverter.COMPLEX64) || type.equals(ArrayConverter.COMPLEX128)
        || type instanceof StructType s && s.fields().length == 2 && s.fields()[0].name().equals("real")
            && s.fields()[1].name().equals("imag") && s.fields()[0].dataType().equals(s.fields()[1].dataType())
            && (s.fields()[0].dataType().equals(DataTypes.FloatType)
                || s.fields()[0].dataType().equals(DataTypes.DoubleType))) {
      kind = 'c';
      itemSize = ((StructType) type).fields()[0].dataType().equals(DataTypes.FloatType) ? 8 : 16;
    } else if (type instanceof StringType) {
      kind = 'U';
      itemSize = -1;
    } else if (type instanceof BinaryType) {
      kind = 'S';
      itemSize = -1;
    } else {
      throw new IllegalArgumentException("Cannot write column '" + column + "' of type " + type.simpleString()
          + " to .npz: supported element types are boolean, byte, short, int, long, float, double,"
          + " decimal(20,0) (uint64), struct<real, imag> (complex), string and binary");
    }
  }

  static boolean supported(DataType t) {
    try {
      new ColumnBuffer("probe", t);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Appends element {@code i} of {@code src} (a row or an array); {@code where} names it in errors. */
  void add(SpecializedGetters src, int i, String where) {
    if (src.isNullAt(i)) {
      throw new IllegalArgumentException("Cannot write column '" + column + "' " + where
          + ": null values cannot be stored in .npy arrays");
    }
    scratch.clear();
    switch (kind) {
      case 'b':
        bytes.write(src.getBoolean(i) ? 1 : 0);
        break;
      case 'i':
        switch (itemSize) {
          case 1:
            bytes.write(src.getByte(i));
            break;
          case 2:
            put(scratch.putShort(src.getShort(i)));
            break;
          case 4:
            put(scratch.putInt(src.getInt(i)));
            break;
          default:
            put(scratch.putLong(src.getLong(i)));
        }
        break;
      case 'u': {
        DecimalType d = (DecimalType) type;
        BigInteger v = src.getDecimal(i, d.precision(), d.scale()).toJavaBigDecimal().toBigIntegerExact();
        if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
          throw new IllegalArgumentException("Cannot write column '" + column + "' " + where + ": " + v
              + " does not fit in uint64");
        }
        put(scratch.putLong(v.longValue()));
        break;
      }
      case 'f':
        put(itemSize == 4 ? scratch.putFloat(src.getFloat(i)) : scratch.putDouble(src.getDouble(i)));
        break;
      case 'c': {
        var r = src.getStruct(i, 2);
        put(itemSize == 8 ? scratch.putFloat(r.getFloat(0)).putFloat(r.getFloat(1))
            : scratch.putDouble(r.getDouble(0)).putDouble(r.getDouble(1)));
        break;
      }
      case 'U': {
        byte[] b = src.getUTF8String(i).toString().getBytes(UTF32LE);
        variable.add(b);
        maxWidth = Math.max(maxWidth, b.length);
        break;
      }
      default: {
        byte[] b = src.getBinary(i);
        variable.add(b);
        maxWidth = Math.max(maxWidth, b.length);
      }
    }
    elements++;
  }

  private void put(ByteBuffer b) {
    bytes.write(b.array(), 0, b.position());
  }

  long elements() {
    return elements;
  }

  /** The array of everything added, with {@code shape} (its element count must match). */
  NpyArray build(long[] shape) {
    NpyDtype dt;
    byte[] data;
    if (kind == 'U' || kind == 'S') {
      int w = kind == 'U' ? Math.max(4, maxWidth) : Math.max(1, maxWidth);
      dt = NpyDtype.of(kind, w);
      data = new byte[w * variable.size()];
      for (int k = 0; k < variable.size(); k++) {
        byte[] v = variable.get(k);
        System.arraycopy(v, 0, data, k * w, v.length);
      }
    } else {
      dt = NpyDtype.of(kind, itemSize);
      data = bytes.toByteArray();
    }
    return new NpyArray(dt, shape, data);
  }

  void reset() {
    bytes.reset();
    variable.clear();
    maxWidth = 0;
    elements = 0;
  }
}
