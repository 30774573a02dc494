package io.s3dlio.loader;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacks samples into a {@link Batch}. A field the dataset declares ({@link FieldSpec}) gets the
 * declared column kind, and a sample that does not fit it fails the batch naming the sample; a
 * field it does not declare (one added by a transform) becomes a dense tensor when every sample
 * has the same dtype and shape, a {@link Ragged} otherwise, or a {@code byte[][]} for bytes.
 */
final class Collator {
  private final Map<String, FieldSpec> schema;

  Collator(Map<String, FieldSpec> schema) {
    this.schema = schema;
  }

  Batch collate(long epoch, List<Sample> samples) {
    int n = samples.size();
    long[] indices = new long[n];
    for (int i = 0; i < n; i++) {
      indices[i] = samples.get(i).index();
    }
    Map<String, Object> columns = new LinkedHashMap<>();
    long bytes = 0;
    if (n > 0) {
      java.util.Set<String> names = samples.get(0).fields().keySet();
      for (Sample s : samples) {
        if (!s.fields().keySet().equals(names)) {
          throw new IllegalStateException("Cannot batch sample " + s.index() + ": its fields " + s.fields().keySet()
              + " differ from the batch's " + names);
        }
        bytes += s.byteSize();
      }
      for (String field : names) {
        columns.put(field, column(field, samples));
      }
    }
    return new Batch(epoch, indices, columns, bytes);
  }

  private Object column(String field, List<Sample> samples) {
    FieldSpec spec = schema.get(field);
    Object first = samples.get(0).fields().get(field);
    if (first instanceof byte[] || spec != null && spec.kind() == FieldSpec.Kind.BYTES) {
      byte[][] out = new byte[samples.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = samples.get(i).bytes(field);
      }
      return out;
    }
    Tensor t0 = (Tensor) first;
    boolean dense;
    if (spec != null) {
      dense = spec.kind() == FieldSpec.Kind.TENSOR;
    } else {
      dense = true;
      for (Sample s : samples) {
        Tensor t = s.tensor(field);
        if (t.dtype() != t0.dtype() || !t.sameShape(t0.shapeRef())) {
          dense = false;
          break;
        }
      }
    }
    DType dtype = spec != null && spec.dtype() != null ? spec.dtype() : t0.dtype();
    int total = 0;
    for (Sample s : samples) {
      Tensor t = s.tensor(field);
      if (t.dtype() != dtype) {
        throw new IllegalStateException("Cannot batch field '" + field + "' of sample " + s.index() + ": dtype "
            + t.dtype() + ", but the field is " + dtype);
      }
      if (dense && !t.sameShape(spec != null ? spec.shape() : t0.shapeRef())) {
        throw new IllegalStateException("Cannot batch field '" + field + "' of sample " + s.index() + ": shape "
            + Arrays.toString(t.shapeRef()) + ", but the field has the fixed shape "
            + Arrays.toString(spec != null ? spec.shape() : t0.shapeRef()));
      }
      total = Math.addExact(total, t.count());
    }
    Object values = dtype.newArray(total);
    int[] offsets = new int[samples.size() + 1];
    long[][] shapes = dense ? null : new long[samples.size()][];
    int at = 0;
    for (int i = 0; i < samples.size(); i++) {
      Tensor t = samples.get(i).tensor(field);
      System.arraycopy(t.array(), 0, values, at, t.count());
      at += t.count();
      offsets[i + 1] = at;
      if (shapes != null) {
        shapes[i] = t.shape();
      }
    }
    if (dense) {
      long[] shape = new long[t0.rank() + 1];
      shape[0] = samples.size();
      System.arraycopy(t0.shapeRef(), 0, shape, 1, t0.rank());
      return Tensor.of(dtype, values, shape);
    }
    return new Ragged(Tensor.of(dtype, values, total), offsets, shapes);
  }
}
