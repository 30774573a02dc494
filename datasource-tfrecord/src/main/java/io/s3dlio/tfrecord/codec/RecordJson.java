package io.s3dlio.tfrecord.codec;

import com.google.protobuf.ByteString;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.FeatureList;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.SequenceExample;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders one record as a single line of JSON (feature names sorted):
 * <pre>
 * {"offset":0,"type":"tf.train.Example","features":{"x":{"kind":"int64_list","values":[1,2]}}}
 * {"offset":0,"type":"tf.train.SequenceExample","context":{...},"feature_lists":{"s":[{"kind":...},...]}}
 * {"offset":0,"type":"raw","bytes":"hello"}
 * </pre>
 * A feature's kind is {@code bytes_list}, {@code float_list}, {@code int64_list}, or null for an
 * empty Feature message. Bytes are written as a JSON string when they are valid UTF-8, otherwise
 * as {@code {"base64":"..."}}.
 */
public final class RecordJson {
  private RecordJson() {
  }

  /** The JSON line of the record at {@code offset} with this payload, read as {@code type}. */
  public static String render(byte[] payload, RecordType type, String source, long offset)
      throws TfRecordFormatException {
    StringBuilder sb = new StringBuilder(64 + payload.length * 2);
    sb.append("{\"offset\":").append(offset).append(",\"type\":");
    JsonWriter.string(sb, type.displayName());
    switch (type) {
      case EXAMPLE:
        sb.append(",\"features\":");
        features(sb, ExampleCodec.decodeExample(payload, source, offset).getFeatures());
        break;
      case SEQUENCE_EXAMPLE:
        SequenceExample s = ExampleCodec.decodeSequenceExample(payload, source, offset);
        sb.append(",\"context\":");
        features(sb, s.getContext());
        sb.append(",\"feature_lists\":{");
        boolean first = true;
        for (Map.Entry<String, FeatureList> e : new TreeMap<>(s.getFeatureLists().getFeatureListMap()).entrySet()) {
          sb.append(first ? "" : ",");
          first = false;
          JsonWriter.string(sb, e.getKey());
          sb.append(":[");
          for (int i = 0; i < e.getValue().getFeatureCount(); i++) {
            sb.append(i == 0 ? "" : ",");
            feature(sb, e.getValue().getFeature(i));
          }
          sb.append(']');
        }
        sb.append('}');
        break;
      default:
        sb.append(",\"bytes\":");
        bytes(sb, payload);
    }
    return sb.append('}').toString();
  }

  /** The JSON of an Example's features. */
  public static String render(Example example) {
    StringBuilder sb = new StringBuilder();
    features(sb, example.getFeatures());
    return sb.toString();
  }

  /** The JSON of one feature ({"kind":...,"values":[...]}). */
  public static String render(Feature feature) {
    StringBuilder sb = new StringBuilder();
    feature(sb, feature);
    return sb.toString();
  }

  static void features(StringBuilder sb, Features f) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, Feature> e : new TreeMap<>(f.getFeatureMap()).entrySet()) {
      sb.append(first ? "" : ",");
      first = false;
      JsonWriter.string(sb, e.getKey());
      sb.append(':');
      feature(sb, e.getValue());
    }
    sb.append('}');
  }

  static void feature(StringBuilder sb, Feature f) {
    sb.append("{\"kind\":");
    switch (f.getKindCase()) {
      case BYTES_LIST:
        sb.append("\"bytes_list\",\"values\":[");
        for (int i = 0; i < f.getBytesList().getValueCount(); i++) {
          sb.append(i == 0 ? "" : ",");
          bytes(sb, f.getBytesList().getValue(i).toByteArray());
        }
        break;
      case FLOAT_LIST:
        sb.append("\"float_list\",\"values\":[");
        for (int i = 0; i < f.getFloatList().getValueCount(); i++) {
          sb.append(i == 0 ? "" : ",");
          JsonWriter.number(sb, f.getFloatList().getValue(i));
        }
        break;
      case INT64_LIST:
        sb.append("\"int64_list\",\"values\":[");
        for (int i = 0; i < f.getInt64List().getValueCount(); i++) {
          sb.append(i == 0 ? "" : ",").append(f.getInt64List().getValue(i));
        }
        break;
      default:
        sb.append("null,\"values\":[");
    }
    sb.append("]}");
  }

  static void bytes(StringBuilder sb, byte[] b) {
    String utf8 = utf8OrNull(b);
    if (utf8 != null) {
      JsonWriter.string(sb, utf8);
    } else {
      sb.append("{\"base64\":\"").append(Base64.getEncoder().encodeToString(b)).append("\"}");
    }
  }

  /** The bytes as a string when they are valid UTF-8, else null. */
  public static String utf8OrNull(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** {@link #utf8OrNull(byte[])} of a ByteString. */
  public static String utf8OrNull(ByteString b) {
    return b.isValidUtf8() ? b.toStringUtf8() : null;
  }
}
