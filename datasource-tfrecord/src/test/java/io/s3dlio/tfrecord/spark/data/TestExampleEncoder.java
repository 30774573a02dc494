package io.s3dlio.tfrecord.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The Example encoder writes protobuf's wire format itself: its bytes must be those protobuf-java's
 * generated classes write for the same Example (features in column order), for every column type,
 * nulls, empty and long lists, negative and large integers, long and non-ASCII values and names,
 * from generic rows and from the UnsafeRows Spark hands a writer.
 */
class TestExampleEncoder {
  private static final StructType SCHEMA = new StructType()
      .add("l", DataTypes.LongType).add("i", DataTypes.IntegerType).add("s", DataTypes.ShortType)
      .add("b", DataTypes.ByteType).add("f", DataTypes.FloatType).add("bin", DataTypes.BinaryType)
      .add("str", DataTypes.StringType).add("la", DataTypes.createArrayType(DataTypes.LongType))
      .add("ia", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("fa", DataTypes.createArrayType(DataTypes.FloatType))
      .add("ba", DataTypes.createArrayType(DataTypes.BinaryType))
      .add("sa", DataTypes.createArrayType(DataTypes.StringType))
      .add("n\u00e9me \u65e5\u672c", DataTypes.ShortType);
  private static final int[] ALL = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

  @Test
  void sameBytesAsTheGeneratedClasses() {
    ExampleEncoder encoder = new ExampleEncoder(SCHEMA, ALL, SparkRecordType.EXAMPLE);
    UnsafeProjection unsafe = UnsafeProjection.create(SCHEMA);
    Random r = new Random(7);
    for (int k = 0; k < 500; k++) {
      Object[] v = randomValues(r, k);
      InternalRow row = new GenericInternalRow(v);
      byte[] expected = reference(v);
      assertThat(encoder.encode(row, () -> "row")).as("row %d", k).isEqualTo(expected);
      assertThat(encoder.encode(unsafe.apply(row), () -> "row")).as("unsafe row %d", k).isEqualTo(expected);
    }
  }

  @Test
  void onlyTheChosenColumnsAndAnAllNullRow() throws Exception {
    ExampleEncoder some = new ExampleEncoder(SCHEMA, new int[] {6, 0}, SparkRecordType.EXAMPLE);
    Object[] v = new Object[13];
    v[0] = -5L;
    v[6] = UTF8String.fromString("x");
    Example e = Example.parseFrom(some.encode(new GenericInternalRow(v), () -> "row"));
    assertThat(e.getFeatures().getFeatureMap()).containsOnlyKeys("str", "l");
    assertThat(e.getFeatures().getFeatureOrThrow("l").getInt64List().getValueList()).containsExactly(-5L);
    byte[] none = new ExampleEncoder(SCHEMA, ALL, SparkRecordType.EXAMPLE).encode(new GenericInternalRow(13), () -> "r");
    assertThat(none).isEqualTo(Example.newBuilder().setFeatures(Features.newBuilder()).build().toByteArray());
  }

  @Test
  void nullInsideAListNamesTheColumnAndRecord() {
    ExampleEncoder encoder = new ExampleEncoder(SCHEMA, new int[] {9}, SparkRecordType.EXAMPLE);
    Object[] v = new Object[13];
    v[9] = new GenericArrayData(new Object[] {1.0f, null});
    assertThatThrownBy(() -> encoder.encode(new GenericInternalRow(v), () -> "record 3 of part file p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write record 3 of part file p: column fa has a null at index 1 (a TFRecord list holds no nulls)");
  }

  private static Object[] randomValues(Random r, int k) {
    Object[] v = new Object[13];
    v[0] = k % 3 == 0 ? Long.MIN_VALUE + r.nextInt(3) : r.nextLong();
    v[1] = k % 4 == 0 ? -1 : r.nextInt();
    v[2] = (short) r.nextInt();
    v[3] = (byte) r.nextInt();
    v[4] = k % 5 == 0 ? Float.NaN : r.nextFloat() * 1e6f - 5e5f;
    v[5] = bytes(r, k % 7 == 0 ? 0 : r.nextInt(k % 2 == 0 ? 300 : 20000));
    v[6] = UTF8String.fromString("h\u00e9llo \u65e5\u672c " + "x".repeat(r.nextInt(200)));
    Object[] la = new Object[k % 6 == 0 ? 0 : r.nextInt(40)];
    for (int j = 0; j < la.length; j++) {
      la[j] = j % 3 == 0 ? -r.nextLong() : (long) r.nextInt(300);
    }
    v[7] = new GenericArrayData(la);
    Object[] ia = new Object[r.nextInt(5)];
    for (int j = 0; j < ia.length; j++) {
      ia[j] = r.nextInt() >> r.nextInt(31);
    }
    v[8] = new GenericArrayData(ia);
    Object[] fa = new Object[k % 8 == 0 ? 0 : 1 + r.nextInt(100)];
    for (int j = 0; j < fa.length; j++) {
      fa[j] = r.nextFloat();
    }
    v[9] = new GenericArrayData(fa);
    Object[] ba = new Object[r.nextInt(4)];
    for (int j = 0; j < ba.length; j++) {
      ba[j] = bytes(r, r.nextInt(200));
    }
    v[10] = new GenericArrayData(ba);
    Object[] sa = new Object[r.nextInt(4)];
    for (int j = 0; j < sa.length; j++) {
      sa[j] = UTF8String.fromString(j + "\u00e9");
    }
    v[11] = new GenericArrayData(sa);
    v[12] = (short) -r.nextInt(1000);
    for (int c = 0; c < v.length; c++) {
      if (r.nextInt(6) == 0) {
        v[c] = null; // a null column omits its feature
      }
    }
    return v;
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** The same Example built with protobuf-java's generated classes. */
  private static byte[] reference(Object[] v) {
    Features.Builder f = Features.newBuilder();
    for (int c = 0; c < v.length; c++) {
      if (v[c] == null) {
        continue;
      }
      DataType t = SCHEMA.fields()[c].dataType();
      Object[] values = t instanceof org.apache.spark.sql.types.ArrayType ? ((GenericArrayData) v[c]).array()
          : new Object[] {v[c]};
      DataType e = t instanceof org.apache.spark.sql.types.ArrayType a ? a.elementType() : t;
      Feature.Builder feature = Feature.newBuilder();
      if (e == DataTypes.FloatType) {
        FloatList.Builder b = FloatList.newBuilder();
        for (Object x : values) {
          b.addValue((Float) x);
        }
        feature.setFloatList(b);
      } else if (e == DataTypes.BinaryType || e == DataTypes.StringType) {
        BytesList.Builder b = BytesList.newBuilder();
        for (Object x : values) {
          b.addValue(ByteString.copyFrom(x instanceof UTF8String u ? u.toString().getBytes(StandardCharsets.UTF_8)
              : (byte[]) x));
        }
        feature.setBytesList(b);
      } else {
        Int64List.Builder b = Int64List.newBuilder();
        for (Object x : values) {
          b.addValue(((Number) x).longValue());
        }
        feature.setInt64List(b);
      }
      f.putFeature(SCHEMA.fields()[c].name(), feature.build());
    }
    return Example.newBuilder().setFeatures(f).build().toByteArray();
  }
}
