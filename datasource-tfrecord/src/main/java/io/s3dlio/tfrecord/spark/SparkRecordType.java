package io.s3dlio.tfrecord.spark;

/** The {@code recordType} option: what each record's payload is read as and written from. */
public enum SparkRecordType {
  /** tf.train.Example: one column per feature. */
  EXAMPLE("Example"),
  /** tf.train.SequenceExample: context features as Example, feature lists as arrays of arrays. */
  SEQUENCE_EXAMPLE("SequenceExample"),
  /** The payload itself, in one binary column {@code byteArray}. */
  BYTE_ARRAY("ByteArray");

  /** The single column of a ByteArray table. */
  public static final String BYTE_ARRAY_COLUMN = "byteArray";

  private final String optionValue;

  SparkRecordType(String optionValue) {
    this.optionValue = optionValue;
  }

  public String optionValue() {
    return optionValue;
  }

  /** Parses Example | SequenceExample | ByteArray, in any case. */
  public static SparkRecordType parse(String s) {
    for (SparkRecordType t : values()) {
      if (t.optionValue.equalsIgnoreCase(s.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("Cannot use recordType='" + s + "': expected Example, SequenceExample or ByteArray");
  }
}
