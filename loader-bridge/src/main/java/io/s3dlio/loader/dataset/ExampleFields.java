package io.s3dlio.loader.dataset;

import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.Tensor;
import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the selected features of {@code tf.train.Example} payloads into sample fields (built
 * once per dataset); a payload with no selection is kept whole as bytes in {@link #RECORD}.
 */
final class ExampleFields {
  /** The field of a raw record's payload. */
  static final String RECORD = "record";

  private final List<TfFeature> features;
  private final Map<String, FieldSpec> schema;

  ExampleFields(List<TfFeature> features) {
    this.features = List.copyOf(features);
    Map<String, FieldSpec> m = new LinkedHashMap<>();
    if (features.isEmpty()) {
      m.put(RECORD, FieldSpec.bytes(RECORD));
    }
    for (TfFeature f : features) {
      if (m.put(f.name(), f.spec()) != null) {
        throw new IllegalArgumentException("Cannot select feature '" + f.name() + "' twice");
      }
    }
    this.schema = Collections.unmodifiableMap(m);
  }

  Map<String, FieldSpec> schema() {
    return schema;
  }

  List<TfFeature> features() {
    return features;
  }

  /** The sample of one record's payload. */
  Sample decode(long index, byte[] payload, String source, long offset) throws TfRecordFormatException {
    if (features.isEmpty()) {
      return Sample.ofBytes(index, RECORD, payload);
    }
    Example ex = ExampleCodec.decodeExample(payload, source, offset);
    Map<String, Feature> fm = ex.getFeatures().getFeatureMap();
    Map<String, Object> out = new LinkedHashMap<>();
    for (TfFeature f : features) {
      Feature v = fm.get(f.name());
      if (v == null) {
        throw bad(source, offset, f, "is missing (the record has " + fm.keySet() + ")");
      }
      long want = f.count();
      // An empty Feature (no list set) is how TFX and YDF write a missing value: zero values.
      boolean empty = v.getKindCase() == Feature.KindCase.KIND_NOT_SET;
      switch (f.kind()) {
        case INT64 -> {
          if (!v.hasInt64List() && !empty) {
            throw bad(source, offset, f, "is a " + v.getKindCase() + ", not an int64_list");
          }
          List<Long> vals = v.getInt64List().getValueList();
          checkCount(source, offset, f, want, vals.size());
          long[] a = new long[vals.size()];
          for (int i = 0; i < a.length; i++) {
            a[i] = v.getInt64List().getValue(i);
          }
          out.put(f.name(), Tensor.of(a, want < 0 ? new long[] {a.length} : f.shape()));
        }
        case FLOAT -> {
          if (!v.hasFloatList() && !empty) {
            throw bad(source, offset, f, "is a " + v.getKindCase() + ", not a float_list");
          }
          int n = v.getFloatList().getValueCount();
          checkCount(source, offset, f, want, n);
          float[] a = new float[n];
          for (int i = 0; i < n; i++) {
            a[i] = v.getFloatList().getValue(i);
          }
          out.put(f.name(), Tensor.of(a, want < 0 ? new long[] {n} : f.shape()));
        }
        default -> {
          if (!v.hasBytesList() && !empty) {
            throw bad(source, offset, f, "is a " + v.getKindCase() + ", not a bytes_list");
          }
          checkCount(source, offset, f, 1, v.getBytesList().getValueCount());
          out.put(f.name(), v.getBytesList().getValue(0).toByteArray());
        }
      }
    }
    return Sample.of(index, out);
  }

  private static void checkCount(String source, long offset, TfFeature f, long want, int have)
      throws TfRecordFormatException {
    if (want >= 0 && have != want) {
      throw bad(source, offset, f, "has " + have + " values, but its shape " + java.util.Arrays.toString(f.shape())
          + " needs " + want);
    }
  }

  private static TfRecordFormatException bad(String source, long offset, TfFeature f, String why) {
    return new TfRecordFormatException(source, offset, false, TfRecordFormatException.Problem.BAD_PAYLOAD,
        "feature '" + f.name() + "' " + why);
  }
}
