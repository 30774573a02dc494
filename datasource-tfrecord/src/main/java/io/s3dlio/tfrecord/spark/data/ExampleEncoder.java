package io.s3dlio.tfrecord.spark.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.FeatureList;
import io.s3dlio.tfrecord.proto.FeatureLists;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.proto.SequenceExample;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes rows as Example / SequenceExample / raw payloads; built once per schema, which it
 * checks before any data is written. bigint, int, smallint and tinyint go to int64_list; float
 * to float_list; binary and string (UTF-8) to bytes_list; arrays to lists; arrays of arrays to
 * SequenceExample feature lists. double is refused (a float_list holds 32-bit floats: cast
 * explicitly rather than lose precision silently). A null column omits the feature; a null inside
 * a list is an error naming the column.
 *
 * <p>An Example is written straight in protobuf's wire format (features in column order, as the
 * generated classes write a map built in that order: the same bytes, checked by
 * TestExampleEncoder), without building the message objects: measured in TfRecordSparkBench's
 * write, docs/spark-tfrecord.md. A SequenceExample goes through the generated classes.
 */
public final class ExampleEncoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SparkRecordType recordType;
  private final String[] names;
  private final int[] ordinals;
  private final DataType[] elems;
  private final int[] depths;
  /** UTF-8 of each column name (the feature keys). */
  private final byte[][] keys;

  /**
   * @param schema the whole input row's schema
   * @param ordinals the ordinals of the columns to write (the others are partition columns)
   * @throws IllegalArgumentException naming the first column that cannot be written
   */
  public ExampleEncoder(StructType schema, int[] ordinals, SparkRecordType recordType) {
    this.recordType = recordType;
    this.ordinals = ordinals;
    this.names = new String[ordinals.length];
    this.elems = new DataType[ordinals.length];
    this.depths = new int[ordinals.length];
    this.keys = new byte[ordinals.length][];
    if (recordType == SparkRecordType.BYTE_ARRAY) {
      if (ordinals.length != 1 || !(schema.fields()[ordinals[0]].dataType() instanceof BinaryType)) {
        throw new IllegalArgumentException("Cannot write recordType=ByteArray from columns " + describe(schema, ordinals)
            + ": expected exactly one binary column");
      }
      names[0] = schema.fields()[ordinals[0]].name();
      return;
    }
    for (int i = 0; i < ordinals.length; i++) {
      StructField f = schema.fields()[ordinals[i]];
      names[i] = f.name();
      DataType t = f.dataType();
      int d = 0;
      while (t instanceof ArrayType && d < 3) {
        t = ((ArrayType) t).elementType();
        d++;
      }
      if (t instanceof DoubleType) {
        throw new IllegalArgumentException("Cannot write column " + f.name() + " of type " + f.dataType().simpleString()
            + ": a TFRecord float_list holds 32-bit floats; cast it to float explicitly");
      }
      boolean ok = t instanceof LongType || t instanceof IntegerType || t instanceof ShortType
          || t instanceof ByteType || t instanceof FloatType || t instanceof BinaryType || t instanceof StringType;
      if (!ok || d > 2) {
        throw new IllegalArgumentException("Cannot write column " + f.name() + " of type " + f.dataType().simpleString()
            + ": expected bigint, int, smallint, tinyint, float, binary or string, or arrays of them");
      }
      if (d == 2 && recordType != SparkRecordType.SEQUENCE_EXAMPLE) {
        throw new IllegalArgumentException("Cannot write column " + f.name() + " of type " + f.dataType().simpleString()
            + " as a tf.train.Example: arrays of arrays need recordType=SequenceExample");
      }
      elems[i] = t;
      depths[i] = d;
      keys[i] = f.name().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String describe(StructType schema, int[] ordinals) {
    StringBuilder b = new StringBuilder("[");
    for (int o : ordinals) {
      b.append(b.length() > 1 ? ", " : "").append(schema.fields()[o].name()).append(' ')
          .append(schema.fields()[o].dataType().simpleString());
    }
    return b.append(']').toString();
  }

  /**
   * The payload of one row.
   *
   * @param where names the record in errors (file and record number); asked for only on an error
   */
  public byte[] encode(InternalRow row, Supplier<String> where) {
    if (recordType == SparkRecordType.BYTE_ARRAY) {
      if (row.isNullAt(ordinals[0])) {
        throw new IllegalArgumentException("Cannot write " + where.get() + ": column " + names[0]
            + " is null and recordType=ByteArray has no way to write a null record");
      }
      return row.getBinary(ordinals[0]);
    }
    if (recordType == SparkRecordType.EXAMPLE) {
      return example(row, where);
    }
    Features.Builder context = Features.newBuilder();
    FeatureLists.Builder lists = recordType == SparkRecordType.SEQUENCE_EXAMPLE ? FeatureLists.newBuilder() : null;
    for (int i = 0; i < ordinals.length; i++) {
      int o = ordinals[i];
      if (row.isNullAt(o)) {
        continue;
      }
      if (depths[i] == 0) {
        context.putFeature(names[i], scalar(row, o, elems[i]));
      } else if (depths[i] == 1) {
        context.putFeature(names[i], list(row.getArray(o), elems[i], i, where));
      } else {
        ArrayData outer = row.getArray(o);
        FeatureList.Builder fl = FeatureList.newBuilder();
        for (int j = 0; j < outer.numElements(); j++) {
          if (outer.isNullAt(j)) {
            throw new IllegalArgumentException("Cannot write " + where.get() + ": column " + names[i] + " has a null list at "
                + j + " (a feature list holds no nulls)");
          }
          fl.addFeature(list(outer.getArray(j), elems[i], i, where));
        }
        lists.putFeatureList(names[i], fl.build());
      }
    }
    if (lists != null) {
      return SequenceExample.newBuilder().setContext(context).setFeatureLists(lists).build().toByteArray();
    }
    return Example.newBuilder().setFeatures(context).build().toByteArray();
  }

  private static Feature scalar(InternalRow row, int o, DataType t) {
    if (t instanceof FloatType) {
      return Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(row.getFloat(o))).build();
    } else if (t instanceof BinaryType) {
      return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(row.getBinary(o))))
          .build();
    } else if (t instanceof StringType) {
      return Feature.newBuilder().setBytesList(BytesList.newBuilder()
          .addValue(ByteString.copyFrom(row.getUTF8String(o).getBytes()))).build();
    }
    return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(integral(row, o, t))).build();
  }

  private static long integral(SpecializedGetters row, int o, DataType t) {
    if (t instanceof LongType) {
      return row.getLong(o);
    } else if (t instanceof IntegerType) {
      return row.getInt(o);
    } else if (t instanceof ShortType) {
      return row.getShort(o);
    } else if (t instanceof BooleanType) {
      return row.getBoolean(o) ? 1 : 0;
    }
    return row.getByte(o);
  }

  private Feature list(ArrayData a, DataType t, int col, Supplier<String> where) {
    int n = a.numElements();
    for (int j = 0; j < n; j++) {
      if (a.isNullAt(j)) {
        throw new IllegalArgumentException("Cannot write " + where.get() + ": column " + names[col] + " has a null at index "
            + j + " (a TFRecord list holds no nulls)");
      }
    }
    if (t instanceof FloatType) {
      FloatList.Builder b = FloatList.newBuilder();
      for (int j = 0; j < n; j++) {
        b.addValue(a.getFloat(j));
      }
      return Feature.newBuilder().setFloatList(b).build();
    } else if (t instanceof BinaryType || t instanceof StringType) {
      BytesList.Builder b = BytesList.newBuilder();
      for (int j = 0; j < n; j++) {
        b.addValue(ByteString.copyFrom(t instanceof BinaryType ? a.getBinary(j) : a.getUTF8String(j).getBytes()));
      }
      return Feature.newBuilder().setBytesList(b).build();
    }
    Int64List.Builder b = Int64List.newBuilder();
    for (int j = 0; j < n; j++) {
      b.addValue(t instanceof LongType ? a.getLong(j) : t instanceof IntegerType ? a.getInt(j)
          : t instanceof ShortType ? a.getShort(j) : a.getByte(j));
    }
    return Feature.newBuilder().setInt64List(b).build();
  }

  // ---- Example in wire format: Example{1: Features{1: repeated entry{1: key, 2: Feature{kind: list}}}},
  // a list being BytesList{1: repeated bytes} (field 1 of Feature), FloatList{1: packed float} (2) or
  // Int64List{1: packed int64} (3). Sizes first (protobuf's length prefixes), then the bytes.

  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private byte[] example(InternalRow row, Supplier<String> where) {
    int n = ordinals.length;
    int[] listSize = new int[n];
    byte[][][] bytes = new byte[n][][];
    int features = 0;
    for (int i = 0; i < n; i++) {
      int o = ordinals[i];
      if (row.isNullAt(o)) {
        listSize[i] = -1;
        continue;
      }
      if (depths[i] == 0) {
        listSize[i] = listSize(row, o, 1, elems[i], bytes, i);
      } else {
        ArrayData a = row.getArray(o);
        checkNoNulls(a, i, where);
        listSize[i] = listSize(a, 0, a.numElements(), elems[i], bytes, i);
      }
      features += sized(entrySize(i, listSize[i]));
    }
    byte[] out = new byte[sized(features)];
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    try {
      c.writeTag(1, LEN);
      c.writeUInt32NoTag(features);
      for (int i = 0; i < n; i++) {
        if (listSize[i] < 0) {
          continue;
        }
        int list = listSize[i];
        c.writeTag(1, LEN);
        c.writeUInt32NoTag(entrySize(i, list));
        c.writeTag(1, LEN);
        c.writeUInt32NoTag(keys[i].length);
        c.writeRawBytes(keys[i]);
        c.writeTag(2, LEN);
        c.writeUInt32NoTag(sized(list));
        c.writeTag(kind(elems[i]), LEN);
        c.writeUInt32NoTag(list);
        if (depths[i] == 0) {
          writeList(c, row, ordinals[i], 1, elems[i], bytes[i]);
        } else {
          ArrayData a = row.getArray(ordinals[i]);
          writeList(c, a, 0, a.numElements(), elems[i], bytes[i]);
        }
      }
      c.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode " + where.get() + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Bytes of a length-delimited field of {@code size} bytes whose tag fits in one byte. */
  private static int sized(int size) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  /** Size of the map entry of column {@code i}: its key and its Feature (holding a list of {@code list} bytes). */
  private int entrySize(int i, int list) {
    return sized(keys[i].length) + sized(sized(list));
  }

  /** The Feature field that holds a list of {@code t}. */
  private static int kind(DataType t) {
    if (t instanceof FloatType) {
      return 2;
    }
    return t instanceof BinaryType || t instanceof StringType ? 1 : 3;
  }

  private void checkNoNulls(ArrayData a, int col, Supplier<String> where) {
    for (int j = 0; j < a.numElements(); j++) {
      if (a.isNullAt(j)) {
        throw new IllegalArgumentException("Cannot write " + where.get() + ": column " + names[col] + " has a null at index "
            + j + " (a TFRecord list holds no nulls)");
      }
    }
  }

  /**
   * Size of the list message of values {@code [from, from + count)} of {@code g}; the bytes of a
   * bytes list are kept in {@code bytes[col]} for the writing pass.
   */
  private static int listSize(SpecializedGetters g, int from, int count, DataType t, byte[][][] bytes, int col) {
    if (count == 0) {
      return 0;
    }
    if (t instanceof FloatType) {
      return sized(4 * count);
    }
    if (t instanceof BinaryType || t instanceof StringType) {
      byte[][] values = new byte[count][];
      int size = 0;
      for (int j = 0; j < count; j++) {
        values[j] = t instanceof BinaryType ? g.getBinary(from + j) : g.getUTF8String(from + j).getBytes();
        size += sized(values[j].length);
      }
      bytes[col] = values;
      return size;
    }
    int packed = 0;
    for (int j = 0; j < count; j++) {
      packed += CodedOutputStream.computeInt64SizeNoTag(integral(g, from + j, t));
    }
    return sized(packed);
  }

  private static void writeList(CodedOutputStream c, SpecializedGetters g, int from, int count, DataType t,
      byte[][] bytes) throws IOException {
    if (count == 0) {
      return;
    }
    if (t instanceof BinaryType || t instanceof StringType) {
      for (byte[] b : bytes) {
        c.writeByteArray(1, b);
      }
      return;
    }
    c.writeTag(1, LEN);
    if (t instanceof FloatType) {
      c.writeUInt32NoTag(4 * count);
      for (int j = 0; j < count; j++) {
        c.writeFloatNoTag(g.getFloat(from + j));
      }
      return;
    }
    int packed = 0;
    for (int j = 0; j < count; j++) {
      packed += CodedOutputStream.computeInt64SizeNoTag(integral(g, from + j, t));
    }
    c.writeUInt32NoTag(packed);
    for (int j = 0; j < count; j++) {
      c.writeInt64NoTag(integral(g, from + j, t));
    }
  }
}
