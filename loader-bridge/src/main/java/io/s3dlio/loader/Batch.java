package io.s3dlio.loader;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * One batch: per field, a dense {@link Tensor} with the batch as its first dimension (fixed-shape
 * numbers), a {@link Ragged} (numbers of varying count), or a {@code byte[][]} (bytes), plus the
 * dataset index of each row.
 */
public final class Batch {
  private final long epoch;
  private final long[] indices;
  private final Map<String, Object> columns;
  private final long byteSize;

  Batch(long epoch, long[] indices, Map<String, Object> columns, long byteSize) {
    this.epoch = epoch;
    this.indices = indices;
    this.columns = Collections.unmodifiableMap(columns);
    this.byteSize = byteSize;
  }

  /** Rows in this batch. */
  public int size() {
    return indices.length;
  }

  /** The epoch this batch belongs to. */
  public long epoch() {
    return epoch;
  }

  /** The dataset index of each row (the array itself: do not modify). */
  public long[] indices() {
    return indices;
  }

  public Set<String> fields() {
    return columns.keySet();
  }

  /** The column of a fixed-shape field: shape {@code [size(), ...]}. */
  public Tensor tensor(String field) {
    return column(field, Tensor.class);
  }

  /** The column of a variable-shape numeric field. */
  public Ragged ragged(String field) {
    return column(field, Ragged.class);
  }

  /** The column of a bytes field, one array per row. */
  public byte[][] bytes(String field) {
    return column(field, byte[][].class);
  }

  /** The raw column object ({@link Tensor}, {@link Ragged} or {@code byte[][]}). */
  public Object column(String field) {
    Object c = columns.get(field);
    if (c == null) {
      throw new IllegalArgumentException("Batch has no field '" + field + "' (fields: " + columns.keySet() + ")");
    }
    return c;
  }

  private <T> T column(String field, Class<T> type) {
    Object c = column(field);
    if (!type.isInstance(c)) {
      throw new IllegalArgumentException("Field '" + field + "' of the batch is a " + c.getClass().getSimpleName()
          + " column, not " + type.getSimpleName());
    }
    return type.cast(c);
  }

  /** Bytes of data the batch holds. */
  public long byteSize() {
    return byteSize;
  }

  @Override
  public String toString() {
    return "Batch{epoch " + epoch + ", " + indices.length + " rows, " + columns.keySet() + "}";
  }
}
