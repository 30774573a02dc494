package io.s3dlio.tfrecord.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.SequenceExample;

/**
 * Decodes and encodes {@code tf.train.Example} and {@code tf.train.SequenceExample} payloads with
 * the protobuf-java classes generated from TensorFlow's example.proto and feature.proto. Empty
 * {@code Feature} messages (no list set) and both packed and unpacked numeric lists are accepted.
 * Errors name the file and the record offset.
 */
public final class ExampleCodec {
  private ExampleCodec() {
  }

  /** Decodes one Example payload of the record at {@code offset} of {@code source}. */
  public static Example decodeExample(byte[] payload, String source, long offset) throws TfRecordFormatException {
    try {
      return Example.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw notA("tf.train.Example", source, offset, e);
    }
  }

  /** Decodes one SequenceExample payload of the record at {@code offset} of {@code source}. */
  public static SequenceExample decodeSequenceExample(byte[] payload, String source, long offset)
      throws TfRecordFormatException {
    try {
      return SequenceExample.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw notA("tf.train.SequenceExample", source, offset, e);
    }
  }

  /** The payload bytes of an Example. */
  public static byte[] encode(Example example) {
    return example.toByteArray();
  }

  /** The payload bytes of a SequenceExample. */
  public static byte[] encode(SequenceExample example) {
    return example.toByteArray();
  }

  private static TfRecordFormatException notA(String type, String source, long offset, Exception e) {
    return new TfRecordFormatException(source, offset, false, TfRecordFormatException.Problem.BAD_PAYLOAD,
        "payload is not a " + type + ": " + e.getMessage(), e);
  }
}
