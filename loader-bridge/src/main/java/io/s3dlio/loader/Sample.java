package io.s3dlio.loader;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One sample: named fields, each a {@link Tensor} (numbers) or a {@code byte[]} (opaque bytes:
 * an encoded image, a raw record, a string), plus the dataset index it was read from. Immutable:
 * transforms make new samples with {@link #with} and {@link #without}.
 */
public final class Sample {
  private final long index;
  private final Map<String, Object> fields;
  private final long byteSize;

  private Sample(long index, Map<String, Object> fields) {
    this(index, fields, sizeOf(fields));
  }

  private Sample(long index, Map<String, Object> fields, long byteSize) {
    this.index = index;
    this.fields = fields;
    this.byteSize = byteSize;
  }

  private static long sizeOf(Map<String, Object> fields) {
    long n = 0;
    for (Object v : fields.values()) {
      n += v instanceof Tensor t ? t.byteSize() : ((byte[]) v).length;
    }
    return n;
  }

  /** A sample with the given fields (values are {@link Tensor} or {@code byte[]}), in iteration order. */
  public static Sample of(long index, Map<String, ?> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    fields.forEach((k, v) -> m.put(k, check(k, v)));
    return new Sample(index, Collections.unmodifiableMap(m));
  }

  /** A sample with one bytes field. */
  public static Sample ofBytes(long index, String field, byte[] value) {
    return new Sample(index, Map.of(field, check(field, value)), value.length);
  }

  private static Object check(String name, Object v) {
    Objects.requireNonNull(name, "field name is null");
    if (!(v instanceof Tensor) && !(v instanceof byte[])) {
      throw new IllegalArgumentException("Cannot put field '" + name + "' in a sample: a value is a Tensor or a byte[], not "
          + (v == null ? "null" : v.getClass().getName()));
    }
    return v;
  }

  /** The dataset index this sample was read from (outputs of a flatMap keep their source's index). */
  public long index() {
    return index;
  }

  /** Field names and values, in order. */
  public Map<String, Object> fields() {
    return fields;
  }

  public boolean has(String field) {
    return fields.containsKey(field);
  }

  /** A numeric field. */
  public Tensor tensor(String field) {
    Object v = get(field);
    if (!(v instanceof Tensor)) {
      throw new IllegalArgumentException("Field '" + field + "' of sample " + index + " holds bytes, not a tensor");
    }
    return (Tensor) v;
  }

  /** A bytes field (the sample's own array: do not modify). */
  public byte[] bytes(String field) {
    Object v = get(field);
    if (!(v instanceof byte[])) {
      throw new IllegalArgumentException("Field '" + field + "' of sample " + index + " holds a tensor, not bytes");
    }
    return (byte[]) v;
  }

  private Object get(String field) {
    Object v = fields.get(field);
    if (v == null) {
      throw new IllegalArgumentException("Sample " + index + " has no field '" + field + "' (fields: "
          + fields.keySet() + ")");
    }
    return v;
  }

  /** A copy with {@code field} set (added at the end, or replaced in place). */
  public Sample with(String field, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(fields);
    m.put(field, check(field, value));
    return new Sample(index, Collections.unmodifiableMap(m));
  }

  /** A copy without {@code field}. */
  public Sample without(String field) {
    Map<String, Object> m = new LinkedHashMap<>(fields);
    m.remove(field);
    return new Sample(index, Collections.unmodifiableMap(m));
  }

  /** Bytes the values take in memory (what the prefetch bound counts). */
  public long byteSize() {
    return byteSize;
  }

  @Override
  public String toString() {
    return "Sample{" + index + " " + fields.keySet() + "}";
  }
}
