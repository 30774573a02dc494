package io.s3dlio.tfrecord.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.FeatureList;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.proto.SequenceExample;
import io.s3dlio.tfrecord.spark.data.ExampleDecoder;
import io.s3dlio.tfrecord.spark.data.FeatureTypeException;
import io.s3dlio.tfrecord.spark.data.SchemaInference;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The streaming decoder against protobuf-java: on every golden Example and SequenceExample file,
 * decoding with the full inferred schema and with a pruned one gives exactly what parsing with
 * protobuf-java and converting gives. No Spark session.
 */
class TestSparkExampleDecoder {

  private static List<Object[]> payloads(Golden.TfFile f) throws IOException {
    List<Object[]> out = new ArrayList<>();
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(f.local()), f.path(), ReaderOptions.DEFAULT)) {
      for (byte[] p = r.next(); p != null; p = r.next()) {
        out.add(new Object[] {p, r.lastOffset()});
      }
    }
    return out;
  }

  @Test
  void decoderEqualsProtobufJavaOnEveryGoldenFile() throws IOException {
    int files = 0;
    long records = 0;
    for (Golden.TfFile f : Golden.goodTfrecordFiles()) {
      SparkRecordType type = f.contents().contains("\"tf.train.Example\"") ? SparkRecordType.EXAMPLE
          : f.contents().contains("\"tf.train.SequenceExample\"") ? SparkRecordType.SEQUENCE_EXAMPLE : null;
      if (type == null) {
        continue;
      }
      List<Object[]> ps = payloads(f);
      assertThat((long) ps.size()).as(f.path()).isEqualTo(f.records());
      SchemaInference inf = new SchemaInference(type);
      for (Object[] p : ps) {
        inf.add((byte[]) p[0], f.path(), (long) p[1]);
      }
      StructType full = inf.schema();
      // Pruned: every other column, in reverse order.
      List<StructField> pr = new ArrayList<>();
      for (int i = full.size() - 1; i >= 0; i -= 2) {
        pr.add(full.fields()[i]);
      }
      StructType pruned = new StructType(pr.toArray(new StructField[0]));
      for (StructType schema : List.of(full, pruned)) {
        ExampleDecoder d = new ExampleDecoder(schema, type);
        for (Object[] p : ps) {
          byte[] payload = (byte[]) p[0];
          GenericInternalRow row = new GenericInternalRow(schema.size());
          d.decode(payload, 0, payload.length, row, f.path(), (long) p[1]);
          List<String> expected = reference(payload, type, schema);
          for (int i = 0; i < schema.size(); i++) {
            DataType t = schema.fields()[i].dataType();
            assertThat(canon(row.isNullAt(i) ? null : row.get(i, t), t))
                .as(f.path() + " @" + p[1] + " " + schema.fields()[i].name()).isEqualTo(expected.get(i));
          }
          records++;
        }
      }
      files++;
    }
    assertThat(files).isGreaterThanOrEqualTo(20);
    assertThat(records).isGreaterThan(20_000);
  }

  @Test
  void payloadInsideALargerBufferAndReorderedMapEntries() throws Exception {
    Example e = Example.newBuilder().setFeatures(Features.newBuilder()
        .putFeature("a", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(7)).build())
        .putFeature("b", Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(1.5f).addValue(2f)).build())
        .putFeature("c", Feature.getDefaultInstance())).build();
    byte[] p = e.toByteArray();
    byte[] big = new byte[p.length + 10];
    System.arraycopy(p, 0, big, 5, p.length);
    StructType s = new StructType().add("b", ArrayType.apply(DataTypes.DoubleType)).add("a", DataTypes.LongType)
        .add("c", DataTypes.BinaryType).add("zz", DataTypes.StringType);
    GenericInternalRow row = new GenericInternalRow(4);
    new ExampleDecoder(s, SparkRecordType.EXAMPLE).decode(big, 5, p.length, row, "mem", 0);
    assertThat(row.getArray(0).toDoubleArray()).containsExactly(1.5, 2.0);
    assertThat(row.getLong(1)).isEqualTo(7);
    assertThat(row.isNullAt(2)).isTrue();
    assertThat(row.isNullAt(3)).isTrue();

    // A map entry whose value comes before its key (legal protobuf): hand-built.
    byte[] feature = Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(42)).build().toByteArray();
    java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream eo = com.google.protobuf.CodedOutputStream.newInstance(entry);
    eo.writeByteArray(2, feature);
    eo.writeString(1, "a");
    eo.flush();
    java.io.ByteArrayOutputStream feats = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream fo = com.google.protobuf.CodedOutputStream.newInstance(feats);
    fo.writeByteArray(1, entry.toByteArray());
    fo.flush();
    java.io.ByteArrayOutputStream ex = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream xo = com.google.protobuf.CodedOutputStream.newInstance(ex);
    xo.writeByteArray(1, feats.toByteArray());
    xo.flush();
    byte[] odd = ex.toByteArray();
    assertThat(Example.parseFrom(odd).getFeatures().getFeatureOrThrow("a").getInt64List().getValue(0)).isEqualTo(42);
    GenericInternalRow r2 = new GenericInternalRow(1);
    new ExampleDecoder(new StructType().add("a", DataTypes.LongType), SparkRecordType.EXAMPLE)
        .decode(odd, 0, odd.length, r2, "mem", 0);
    assertThat(r2.getLong(0)).isEqualTo(42);
  }

  @Test
  void errorsNameFileOffsetAndFeature() {
    byte[] p = Example.newBuilder().setFeatures(Features.newBuilder()
        .putFeature("x", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(1).addValue(2)).build())
        .putFeature("f", Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(1)).build()))
        .build().toByteArray();
    ExampleDecoder scalar = new ExampleDecoder(new StructType().add("x", DataTypes.LongType), SparkRecordType.EXAMPLE);
    assertThatThrownBy(() -> scalar.decode(p, 0, p.length, new GenericInternalRow(1), "file:/d/a.tfrecord", 1234))
        .isInstanceOf(FeatureTypeException.class)
        .hasMessage("Bad TFRecord file:/d/a.tfrecord at byte 1234: feature 'x' has 2 values, but column x is a scalar"
            + " bigint (declare it array<bigint>)");
    ExampleDecoder kind = new ExampleDecoder(new StructType().add("f", DataTypes.LongType), SparkRecordType.EXAMPLE);
    assertThatThrownBy(() -> kind.decode(p, 0, p.length, new GenericInternalRow(1), "file:/d/a.tfrecord", 16))
        .hasMessage("Bad TFRecord file:/d/a.tfrecord at byte 16: feature 'f' holds a float_list, which cannot be read"
            + " into column f of type bigint (that needs a int64_list)");
    byte[] junk = {(byte) 0x0a, (byte) 0x7f, 1};
    assertThatThrownBy(() -> kind.decode(junk, 0, junk.length, new GenericInternalRow(1), "file:/d/b", 0))
        .hasMessageStartingWith("Bad TFRecord file:/d/b at byte 0: payload is not a tf.train.Example:");
    assertThatThrownBy(() -> new ExampleDecoder(new StructType().add("d", DataTypes.DateType), SparkRecordType.EXAMPLE))
        .hasMessage("Cannot read column d of type date: expected bigint, float, double, binary or string, an array of one");
  }

  /** What protobuf-java's parse gives, converted by the documented rules, in canonical text. */
  private static List<String> reference(byte[] payload, SparkRecordType type, StructType schema) throws IOException {
    Map<String, Feature> ctx;
    Map<String, FeatureList> lists = Map.of();
    if (type == SparkRecordType.EXAMPLE) {
      ctx = Example.parseFrom(payload).getFeatures().getFeatureMap();
    } else {
      SequenceExample s = SequenceExample.parseFrom(payload);
      ctx = s.getContext().getFeatureMap();
      lists = s.getFeatureLists().getFeatureListMap();
    }
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      DataType t = f.dataType();
      if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof ArrayType) {
        FeatureList fl = lists.get(f.name());
        if (fl == null) {
          out.add("null");
        } else {
          List<String> inner = new ArrayList<>();
          for (Feature x : fl.getFeatureList()) {
            inner.add(refFeature(x, ((ArrayType) t).elementType()));
          }
          out.add(inner.toString());
        }
      } else {
        Feature x = ctx.get(f.name());
        out.add(x == null ? "null" : refFeature(x, t));
      }
    }
    return out;
  }

  private static String refFeature(Feature x, DataType t) {
    List<String> vals = new ArrayList<>();
    switch (x.getKindCase()) {
      case INT64_LIST:
        x.getInt64List().getValueList().forEach(v -> vals.add("L" + v));
        break;
      case FLOAT_LIST:
        x.getFloatList().getValueList().forEach(v -> vals.add("F" + v));
        break;
      case BYTES_LIST: {
        BytesList b = x.getBytesList();
        b.getValueList().forEach(v -> vals.add("B" + Base64.getEncoder().encodeToString(v.toByteArray())));
        break;
      }
      default:
        return "null";
    }
    if (t instanceof ArrayType) {
      return vals.toString();
    }
    return vals.isEmpty() ? "null" : vals.get(0);
  }

  static String canon(Object v, DataType t) {
    if (v == null) {
      return "null";
    }
    if (t instanceof ArrayType) {
      DataType et = ((ArrayType) t).elementType();
      ArrayData a = (ArrayData) v;
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.numElements(); i++) {
        out.add(a.isNullAt(i) ? "null" : canon(a.get(i, et), et));
      }
      return out.toString();
    }
    if (t instanceof LongType) {
      return "L" + v;
    } else if (t instanceof FloatType) {
      return "F" + v;
    } else if (t instanceof BinaryType) {
      return "B" + Base64.getEncoder().encodeToString((byte[]) v);
    }
    return String.valueOf(v);
  }
}
