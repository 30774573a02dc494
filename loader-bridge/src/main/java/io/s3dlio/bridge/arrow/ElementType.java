package io.s3dlio.bridge.arrow;

import java.util.Locale;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Fixed-width value types of the wire format (tensor elements and primitive columns). */
public enum ElementType {
  INT8(1, new ArrowType.Int(8, true)),
  UINT8(1, new ArrowType.Int(8, false)),
  INT16(2, new ArrowType.Int(16, true)),
  UINT16(2, new ArrowType.Int(16, false)),
  INT32(4, new ArrowType.Int(32, true)),
  UINT32(4, new ArrowType.Int(32, false)),
  INT64(8, new ArrowType.Int(64, true)),
  UINT64(8, new ArrowType.Int(64, false)),
  FLOAT32(4, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
  FLOAT64(8, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));

  private final int width;
  private final ArrowType arrowType;

  ElementType(int width, ArrowType arrowType) {
    this.width = width;
    this.arrowType = arrowType;
  }

  public int width() {
    return width;
  }

  public ArrowType arrowType() {
    return arrowType;
  }

  /** numpy-style name: {@code uint8}, {@code float32}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ElementType parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown tensor dtype '" + s + "' (int8, uint8, int16, uint16, int32, "
          + "uint32, int64, uint64, float32, float64)");
    }
  }
}
