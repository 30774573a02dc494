package io.s3dlio.tfrecord.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.MiniJson;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.FeatureList;
import io.s3dlio.tfrecord.proto.FeatureLists;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.proto.SequenceExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TestTfrecordExamples {

  @SuppressWarnings("unchecked")
  static Map<String, Object> decoded() throws IOException {
    return (Map<String, Object>) MiniJson.parse(Files.readString(Golden.file("tfrecord/DECODED_small_files.json")));
  }

  static Stream<String> decodedFiles() throws IOException {
    return decoded().keySet().stream();
  }

  /** A feature as the golden JSON has it, floats narrowed to float so both sides compare exactly. */
  static Map<String, Object> goldenFeature(Feature f) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> values = new ArrayList<>();
    switch (f.getKindCase()) {
      case BYTES_LIST:
        m.put("kind", "bytes_list");
        f.getBytesList().getValueList().forEach(b -> values.add(b.toStringUtf8()));
        break;
      case FLOAT_LIST:
        m.put("kind", "float_list");
        f.getFloatList().getValueList().forEach(values::add);
        break;
      case INT64_LIST:
        m.put("kind", "int64_list");
        values.addAll(f.getInt64List().getValueList());
        break;
      default:
        m.put("kind", null);
    }
    m.put("values", values);
    return m;
  }

  static Map<String, Object> goldenFeatures(Features fs) {
    Map<String, Object> m = new TreeMap<>();
    fs.getFeatureMap().forEach((k, v) -> m.put(k, goldenFeature(v)));
    return m;
  }

  /** Normalises parsed JSON: float_list values to Float, maps sorted. */
  @SuppressWarnings("unchecked")
  static Object norm(Object o) {
    if (o instanceof Map) {
      Map<String, Object> in = (Map<String, Object>) o;
      Map<String, Object> out = new TreeMap<>();
      boolean floats = "float_list".equals(in.get("kind"));
      in.forEach((k, v) -> {
        if (floats && k.equals("values")) {
          List<Object> l = new ArrayList<>();
          for (Object x : (List<Object>) v) {
            l.add(x instanceof String ? Float.parseFloat((String) x) : ((Number) x).floatValue());
          }
          out.put(k, l);
        } else {
          out.put(k, norm(v));
        }
      });
      return out;
    }
    if (o instanceof List) {
      List<Object> l = new ArrayList<>();
      for (Object x : (List<Object>) o) {
        l.add(norm(x));
      }
      return l;
    }
    return o;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodedFiles")
  @SuppressWarnings("unchecked")
  void decodedValuesMatchTheGoldenJson(String file) throws IOException {
    Map<String, Object> expected = (Map<String, Object>) decoded().get(file);
    List<Object> records = (List<Object>) expected.get("records");
    Path p = Golden.file(file);
    int i = 0;
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(p), file, ReaderOptions.DEFAULT)) {
      for (byte[] payload = r.next(); payload != null; payload = r.next(), i++) {
        Map<String, Object> want = (Map<String, Object>) records.get(i);
        assertThat(r.lastOffset()).isEqualTo(want.get("offset"));
        assertThat((long) payload.length).isEqualTo(want.get("data_len"));
        String type = (String) want.get("type");
        RecordType detected = RecordType.detect(payload);
        String json = RecordJson.render(payload, detected, file, r.lastOffset());
        Map<String, Object> rendered = (Map<String, Object>) MiniJson.parse(json);
        assertThat(rendered.get("offset")).isEqualTo(want.get("offset"));
        switch (type) {
          case "tf.train.Example": {
            assertThat(detected).isEqualTo(RecordType.EXAMPLE);
            Example e = ExampleCodec.decodeExample(payload, file, r.lastOffset());
            assertThat(norm(goldenFeatures(e.getFeatures()))).isEqualTo(norm(want.get("features")));
            assertThat(norm(rendered.get("features"))).isEqualTo(norm(want.get("features")));
            assertThat(ExampleCodec.encode(e)).isEqualTo(payload);
            break;
          }
          case "tf.train.SequenceExample": {
            assertThat(detected).isEqualTo(RecordType.SEQUENCE_EXAMPLE);
            SequenceExample s = ExampleCodec.decodeSequenceExample(payload, file, r.lastOffset());
            assertThat(norm(goldenFeatures(s.getContext()))).isEqualTo(norm(want.get("context")));
            Map<String, Object> lists = new TreeMap<>();
            s.getFeatureLists().getFeatureListMap().forEach((k, v) -> {
              List<Object> steps = new ArrayList<>();
              v.getFeatureList().forEach(f -> steps.add(goldenFeature(f)));
              lists.put(k, steps);
            });
            assertThat(norm(lists)).isEqualTo(norm(want.get("feature_lists")));
            assertThat(norm(rendered.get("context"))).isEqualTo(norm(want.get("context")));
            assertThat(norm(rendered.get("feature_lists"))).isEqualTo(norm(want.get("feature_lists")));
            assertThat(ExampleCodec.encode(s)).isEqualTo(payload);
            break;
          }
          default:
            assertThat(type).startsWith("raw");
            assertThat(detected).isEqualTo(RecordType.RAW);
            assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(want.get("raw_utf8"));
            assertThat(rendered.get("bytes")).isEqualTo(want.get("raw_utf8"));
        }
      }
    }
    assertThat((long) i).isEqualTo(expected.get("record_count"));
  }

  static Stream<Golden.TfFile> goodFiles() {
    return Golden.goodTfrecordFiles().stream();
  }

  /** Every payload of every golden file decodes as the type MANIFEST.tsv gives it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void everyGoldenPayloadDecodesAsItsManifestType(Golden.TfFile f) throws IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("payload=\\{\"([^\"]+)\": (\\d+)\\}")
        .matcher(f.contents());
    assertThat(m.find()).as(f.contents()).isTrue();
    String type = m.group(1);
    Map<RecordType, Integer> counts = new TreeMap<>();
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(f.local()), f.path(), ReaderOptions.DEFAULT)) {
      for (byte[] p = r.next(); p != null; p = r.next()) {
        RecordType t = RecordType.detect(p);
        counts.merge(t, 1, Integer::sum);
        if (t != RecordType.RAW) {
          RecordJson.render(p, t, f.path(), r.lastOffset());
        }
      }
    }
    RecordType want = type.equals("tf.train.Example") ? RecordType.EXAMPLE
        : type.equals("tf.train.SequenceExample") ? RecordType.SEQUENCE_EXAMPLE : RecordType.RAW;
    if (type.equals("ExampleListWithContext")) {
      return; // not one of ours: only check that detection does not throw
    }
    assertThat(counts).containsExactly(Map.entry(want, (int) f.records()));
  }

  @Test
  void unpackedListsDecodeLikePacked() throws IOException {
    // Feature{int64_list{1, -2}} and Feature{float_list{1.5}} with every value as its own tag.
    ByteArrayOutputStream ints = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(ints);
    c.writeInt64(1, 1);
    c.writeInt64(1, -2);
    c.flush();
    ByteArrayOutputStream floats = new ByteArrayOutputStream();
    CodedOutputStream cf = CodedOutputStream.newInstance(floats);
    cf.writeFloat(1, 1.5f);
    cf.flush();
    Feature fi = Feature.newBuilder().setInt64List(Int64List.parseFrom(ints.toByteArray())).build();
    Feature ff = Feature.newBuilder().setFloatList(FloatList.parseFrom(floats.toByteArray())).build();
    assertThat(fi.getInt64List().getValueList()).containsExactly(1L, -2L);
    assertThat(ff.getFloatList().getValueList()).containsExactly(1.5f);
    // and the packed encoding of the same values is what we write
    assertThat(Int64List.newBuilder().addValue(1).addValue(-2).build().toByteArray()[0]).isEqualTo((byte) 0x0a);
  }

  @Test
  void emptyFeatureMessagesSurvive() throws IOException {
    Example e = Example.newBuilder().setFeatures(Features.newBuilder()
        .putFeature("missing", Feature.getDefaultInstance())
        .putFeature("b", Feature.newBuilder().setBytesList(BytesList.newBuilder()
            .addValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0}))).build())).build();
    byte[] bytes = ExampleCodec.encode(e);
    Example back = ExampleCodec.decodeExample(bytes, "mem", 0);
    assertThat(back.getFeatures().getFeatureMap().get("missing").getKindCase()).isEqualTo(Feature.KindCase.KIND_NOT_SET);
    assertThat(RecordJson.render(bytes, RecordType.EXAMPLE, "mem", 7)).isEqualTo(
        "{\"offset\":7,\"type\":\"tf.train.Example\",\"features\":{\"b\":{\"kind\":\"bytes_list\",\"values\":"
            + "[{\"base64\":\"/wA=\"}]},\"missing\":{\"kind\":null,\"values\":[]}}}");
  }

  @Test
  void sequenceExampleRoundTrip() throws IOException {
    SequenceExample s = SequenceExample.newBuilder()
        .setContext(Features.newBuilder().putFeature("id", Feature.newBuilder()
            .setInt64List(Int64List.newBuilder().addValue(7)).build()))
        .setFeatureLists(FeatureLists.newBuilder().putFeatureList("f", FeatureList.newBuilder()
            .addFeature(Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(0.5f).addValue(Float.NaN)))
            .addFeature(Feature.getDefaultInstance()).build()))
        .build();
    byte[] b = ExampleCodec.encode(s);
    assertThat(RecordType.detect(b)).isEqualTo(RecordType.SEQUENCE_EXAMPLE);
    assertThat(ExampleCodec.decodeSequenceExample(b, "m", 0)).isEqualTo(s);
    assertThat(RecordJson.render(b, RecordType.SEQUENCE_EXAMPLE, "m", 0)).isEqualTo(
        "{\"offset\":0,\"type\":\"tf.train.SequenceExample\",\"context\":{\"id\":{\"kind\":\"int64_list\",\"values\":[7]}},"
            + "\"feature_lists\":{\"f\":[{\"kind\":\"float_list\",\"values\":[0.5,\"NaN\"]},{\"kind\":null,\"values\":[]}]}}");
  }

  @Test
  void nonProtobufPayloadIsAnErrorNamingFileAndOffset() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThat(RecordType.detect(garbage)).isEqualTo(RecordType.RAW);
    assertThatThrownBy(() -> ExampleCodec.decodeExample(garbage, "s3://b/k", 389))
        .isInstanceOf(TfRecordFormatException.class)
        .hasMessageStartingWith("Bad TFRecord s3://b/k at byte 389: payload is not a tf.train.Example: ");
    assertThat(RecordJson.utf8OrNull(garbage)).isNull();
  }
}
