package io.s3dlio.checkpoint;

import java.util.Locale;

/**
 * Element types of checkpoint tensors. Values are stored little-endian; {@link #id()} is the name
 * written in the shard index (numpy's names, plus {@code bfloat16}, which numpy lacks: the top 16
 * bits of an IEEE float32).
 */
public enum DType {
  FLOAT64("float64", 8),
  FLOAT32("float32", 4),
  FLOAT16("float16", 2),
  BFLOAT16("bfloat16", 2),
  INT64("int64", 8),
  INT32("int32", 4),
  INT16("int16", 2),
  INT8("int8", 1),
  UINT64("uint64", 8),
  UINT32("uint32", 4),
  UINT16("uint16", 2),
  UINT8("uint8", 1),
  BOOL("bool", 1);

  private final String id;
  private final int itemSize;

  DType(String id, int itemSize) {
    this.id = id;
    this.itemSize = itemSize;
  }

  /** The name in the format ({@code float32}, {@code bfloat16}...). */
  public String id() {
    return id;
  }

  /** Bytes per element. */
  public int itemSize() {
    return itemSize;
  }

  /**
   * The type named {@code name}: a format id ({@code float16}), or a short alias
   * ({@code f32}, {@code f16}, {@code bf16}, {@code i64}, {@code u8}...).
   */
  public static DType of(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (DType t : values()) {
      if (t.id.equals(n) || t.alias().equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("Unknown tensor dtype '" + name + "' (expected one of float64, float32,"
        + " float16, bfloat16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool)");
  }

  private String alias() {
    if (this == BFLOAT16) {
      return "bf16";
    }
    if (this == BOOL) {
      return "b1";
    }
    return id.charAt(0) + id.replaceAll("[a-z]", "");
  }

  @Override
  public String toString() {
    return id;
  }
}
