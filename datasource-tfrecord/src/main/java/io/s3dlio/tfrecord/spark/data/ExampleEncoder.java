package io.s3dlio.tfrecord.spark.data;

import com.google.protobuf.ByteString;
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
import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
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
 */
public final class ExampleEncoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SparkRecordType recordType;
  private final String[] names;
  private final int[] ordinals;
  private final DataType[] elems;
  private final int[] depths;

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

  private static long integral(InternalRow row, int o, DataType t) {
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
}
