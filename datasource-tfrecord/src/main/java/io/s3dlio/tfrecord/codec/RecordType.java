package io.s3dlio.tfrecord.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.SequenceExample;
import java.util.Locale;

/** What a record's payload holds. */
public enum RecordType {
  /** A serialized {@code tf.train.Example}. */
  EXAMPLE("tf.train.Example"),
  /** A serialized {@code tf.train.SequenceExample}. */
  SEQUENCE_EXAMPLE("tf.train.SequenceExample"),
  /** Bytes that are not read as protobuf. */
  RAW("raw");

  private final String displayName;

  RecordType(String displayName) {
    this.displayName = displayName;
  }

  /** The name used in JSON output ("tf.train.Example", "tf.train.SequenceExample", "raw"). */
  public String displayName() {
    return displayName;
  }

  /** Parses {@code example|sequence|sequence_example|raw} (any case). */
  public static RecordType parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (t) {
      case "example":
      case "tf.train.example":
        return EXAMPLE;
      case "sequence":
      case "sequence_example":
      case "sequenceexample":
      case "tf.train.sequenceexample":
        return SEQUENCE_EXAMPLE;
      case "raw":
      case "bytes":
        return RAW;
      default:
        throw new IllegalArgumentException("Cannot use record type '" + s + "': expected example, sequence or raw");
    }
  }

  /**
   * Guesses the type of one payload: an Example when it parses as one with no unknown fields and
   * with at least one feature or no bytes at all; else a SequenceExample under the same test;
   * else raw. (A SequenceExample with only a context is byte-identical to an Example, and is
   * reported as one.)
   */
  public static RecordType detect(byte[] payload) {
    if (payload.length == 0) {
      return EXAMPLE;
    }
    try {
      Example e = Example.parseFrom(payload);
      if (e.getUnknownFields().asMap().isEmpty() && e.hasFeatures()
          && e.getFeatures().getUnknownFields().asMap().isEmpty()) {
        return EXAMPLE;
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not an Example
    }
    try {
      SequenceExample s = SequenceExample.parseFrom(payload);
      if (s.getUnknownFields().asMap().isEmpty() && (s.hasContext() || s.hasFeatureLists())
          && s.getContext().getUnknownFields().asMap().isEmpty()
          && s.getFeatureLists().getUnknownFields().asMap().isEmpty()) {
        return SEQUENCE_EXAMPLE;
      }
    } catch (InvalidProtocolBufferException ignored) {
      // not a SequenceExample
    }
    return RAW;
  }
}
