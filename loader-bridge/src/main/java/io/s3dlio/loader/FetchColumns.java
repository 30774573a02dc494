package io.s3dlio.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one fetch held as batch columns, one row per slot of the fetch: the workers put
 * each sample into its row as soon as they have read it ({@link #put}), so that the consumer
 * makes a batch by copying runs of rows ({@link #batch}) instead of visiting every sample again.
 * Only samples that match the dataset's schema exactly (the declared fields, each of its declared
 * kind, dtype and shape, in the order of the first sample put: {@link Layout}) are put; any other
 * sample stays a {@link Sample} and is batched by the {@link Collator}, which also names what does
 * not fit. A batch made of rows equals the Collator's batch of the same samples.
 *
 * <p>Rows of different workers are disjoint; the loader's lock orders the workers' writes before
 * the consumer's reads.
 */
final class FetchColumns {
  /** A run of rows {@code [from, to)} of one fetch's columns. */
  record Run(FetchColumns columns, int from, int to) {
  }

  /** Most elements a fixed-shape field's column of one fetch holds in one array; above, rows stay tensors. */
  static final long MAX_DENSE = 1L << 27;

  /**
   * The fields of the schema, and the order in which the samples hold them: fixed by the first
   * sample put (the Collator orders a batch's columns as its first sample does), shared by the
   * fetches of one epoch. A sample with its fields in another order is not put.
   */
  static final class Layout {
    private final FieldSpec[] specs;
    private final String[] names;
    /** {@code order[i]}: the field (index in {@link #specs}) a sample holds {@code i}-th; null until the first put. */
    private volatile int[] order;

    private Layout(FieldSpec[] specs) {
      this.specs = specs;
      this.names = new String[specs.length];
      for (int f = 0; f < specs.length; f++) {
        names[f] = specs[f].name();
      }
      if (specs.length == 1) {
        // one field has one order
        this.order = new int[] {0};
      }
    }

    /**
     * The layout of {@code schema}'s samples, or null where the schema does not say enough to
     * build columns (no fields, a numeric field without a dtype, a fixed one without a shape).
     */
    static Layout of(Map<String, FieldSpec> schema) {
      if (schema.isEmpty()) {
        return null;
      }
      FieldSpec[] specs = new FieldSpec[schema.size()];
      int f = 0;
      for (Map.Entry<String, FieldSpec> e : schema.entrySet()) {
        FieldSpec s = e.getValue();
        if (!s.name().equals(e.getKey()) || s.kind() != FieldSpec.Kind.BYTES
            && (s.dtype() == null || s.kind() == FieldSpec.Kind.TENSOR && s.shape() == null)) {
          return null;
        }
        specs[f++] = s;
      }
      return new Layout(specs);
    }

    /** The order of {@code fields} when it is this layout's (fixing it at the first call), else null. */
    int[] orderOf(Map<String, Object> fields) {
      int[] o = order;
      if (o == null) {
        o = fix(fields);
      }
      if (o == null || fields.size() != o.length) {
        return null;
      }
      int i = 0;
      for (String k : fields.keySet()) {
        if (!k.equals(names[o[i++]])) {
          return null;
        }
      }
      return o;
    }

    private synchronized int[] fix(Map<String, Object> fields) {
      if (order == null && fields.size() == specs.length) {
        int[] o = new int[specs.length];
        int i = 0;
        for (String k : fields.keySet()) {
          int f = Arrays.asList(names).indexOf(k);
          if (f < 0) {
            return null;
          }
          o[i++] = f;
        }
        order = o;
      }
      return order;
    }
  }

  private final Layout layout;
  private final String[] names;
  private final FieldSpec[] specs;
  private final int rows;
  /** Per field: {@code byte[][]} (bytes), {@code Tensor[]} (ragged, or fixed-shape too large for one array), or
   *  a primitive array of {@code rows * count} elements (fixed shape), made by the first row put. */
  private final Object[] cols;
  /** Elements per row of each fixed-shape field held densely, else 0. */
  private final int[] counts;
  private final long[] index;
  private final long[] bytes;

  /** Columns for {@code rows} samples of {@code layout}. */
  FetchColumns(Layout layout, int rows) {
    this(layout, rows, MAX_DENSE);
  }

  /** ... holding a fixed-shape field in one array where its column has at most {@code maxDense} elements. */
  FetchColumns(Layout layout, int rows, long maxDense) {
    this.layout = layout;
    this.specs = layout.specs;
    this.names = layout.names;
    this.rows = rows;
    this.cols = new Object[specs.length];
    this.counts = new int[specs.length];
    for (int f = 0; f < specs.length; f++) {
      FieldSpec s = specs[f];
      switch (s.kind()) {
        case BYTES -> cols[f] = new byte[rows][];
        case RAGGED -> cols[f] = new Tensor[rows];
        default -> {
          long count = 1;
          for (long d : s.shape()) {
            count = Math.multiplyExact(count, d);
          }
          if (count > 0 && count <= maxDense / Math.max(1, rows)) {
            counts[f] = (int) count;
          } else {
            cols[f] = new Tensor[rows];
          }
        }
      }
    }
    this.index = new long[rows];
    this.bytes = new long[rows];
  }

  /** Puts {@code s} into row {@code row}; false (nothing put) where it does not match the layout exactly. */
  boolean put(int row, Sample s) {
    Map<String, Object> fields = s.fields();
    if (specs.length == 1) {
      // the common one-field schema (raw records, raw objects): one lookup, no walk over the field order
      Object v = fields.size() == 1 ? fields.get(names[0]) : null;
      if (!fits(specs[0], v)) {
        return false;
      }
      store(0, row, v);
    } else {
      if (layout.orderOf(fields) == null) {
        return false;
      }
      for (FieldSpec spec : specs) {
        if (!fits(spec, fields.get(spec.name()))) {
          return false;
        }
      }
      for (int f = 0; f < specs.length; f++) {
        store(f, row, fields.get(names[f]));
      }
    }
    index[row] = s.index();
    bytes[row] = s.byteSize();
    return true;
  }

  /** Whether {@code v} holds what {@code spec} declares: its kind, dtype and shape. */
  private static boolean fits(FieldSpec spec, Object v) {
    if (spec.kind() == FieldSpec.Kind.BYTES) {
      return v instanceof byte[];
    }
    return v instanceof Tensor t && t.dtype() == spec.dtype()
        && (spec.kind() != FieldSpec.Kind.TENSOR || t.sameShape(spec.shapeRef()));
  }

  /** Puts value {@code v} of field {@code f} (it fits) into row {@code row}. */
  private void store(int f, int row, Object v) {
    if (v instanceof byte[] b) {
      ((byte[][]) cols[f])[row] = b;
    } else if (counts[f] == 0) {
      ((Tensor[]) cols[f])[row] = (Tensor) v;
    } else {
      System.arraycopy(((Tensor) v).array(), 0, dense(f), row * counts[f], counts[f]);
    }
  }

  /**
   * The dense column of field {@code f}, made on first use (by whichever worker puts first; a
   * worker that reads null takes the lock and sees the one made, and a new array's zeros are
   * visible to every thread).
   */
  private Object dense(int f) {
    Object c = cols[f];
    return c != null ? c : makeDense(f);
  }

  private synchronized Object makeDense(int f) {
    if (cols[f] == null) {
      cols[f] = specs[f].dtype().newArray(rows * counts[f]);
    }
    return cols[f];
  }

  /** Row {@code row} as a sample (for a batch that also holds samples not put here). */
  Sample sample(int row) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int f : layout.order) {
      Object c = cols[f];
      if (c instanceof byte[][] b) {
        m.put(names[f], b[row]);
      } else if (c instanceof Tensor[] t) {
        m.put(names[f], t[row]);
      } else {
        Object values = specs[f].dtype().newArray(counts[f]);
        System.arraycopy(c, row * counts[f], values, 0, counts[f]);
        m.put(names[f], Tensor.of(specs[f].dtype(), values, specs[f].shapeRef()));
      }
    }
    return Sample.of(index[row], m);
  }

  /**
   * The rows and samples of one batch, in order. Rows of fetch columns are kept as runs and
   * batched by copying the runs; once a sample that is not in columns joins the batch, the batch
   * is made of samples (the rows turned back into samples) by the {@link Collator}.
   */
  static final class Gather {
    private final Collator collator;
    private final List<Run> runs = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private int rows;

    Gather(Collator collator) {
      this.collator = collator;
    }

    int rows() {
      return rows;
    }

    /** Adds rows {@code [from, to)} of {@code c}. */
    void rows(FetchColumns c, int from, int to) {
      rows += to - from;
      if (!samples.isEmpty()) {
        for (int row = from; row < to; row++) {
          samples.add(c.sample(row));
        }
        return;
      }
      Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && last.columns() == c && last.to() == from) {
        runs.set(runs.size() - 1, new Run(c, last.from(), to));
      } else {
        runs.add(new Run(c, from, to));
      }
    }

    /** Adds a sample that is not in columns. */
    void sample(Sample s) {
      rows++;
      for (Run r : runs) {
        for (int row = r.from(); row < r.to(); row++) {
          samples.add(r.columns().sample(row));
        }
      }
      runs.clear();
      samples.add(s);
    }

    Batch batch(long epoch) {
      return samples.isEmpty() ? FetchColumns.batch(epoch, runs) : collator.collate(epoch, samples);
    }
  }

  /**
   * The batch of the rows of {@code runs} (all of one loader, so of one schema), one after the
   * other: what the {@link Collator} makes of the same samples.
   */
  static Batch batch(long epoch, List<Run> runs) {
    int n = 0;
    for (Run r : runs) {
      n += r.to() - r.from();
    }
    FetchColumns first = runs.get(0).columns();
    long[] indices = new long[n];
    long size = 0;
    int at = 0;
    for (Run r : runs) {
      System.arraycopy(r.columns().index, r.from(), indices, at, r.to() - r.from());
      for (int row = r.from(); row < r.to(); row++) {
        size += r.columns().bytes[row];
      }
      at += r.to() - r.from();
    }
    Map<String, Object> columns = new LinkedHashMap<>();
    for (int f : first.layout.order) {
      columns.put(first.names[f], column(f, first.specs[f], runs, n));
    }
    return new Batch(epoch, indices, columns, size);
  }

  private static Object column(int f, FieldSpec spec, List<Run> runs, int n) {
    switch (spec.kind()) {
      case BYTES -> {
        byte[][] out = new byte[n][];
        int at = 0;
        for (Run r : runs) {
          System.arraycopy(r.columns().cols[f], r.from(), out, at, r.to() - r.from());
          at += r.to() - r.from();
        }
        return out;
      }
      case RAGGED -> {
        Tensor[] ts = tensors(f, runs, n);
        int total = 0;
        for (Tensor t : ts) {
          total = Math.addExact(total, t.count());
        }
        Object values = spec.dtype().newArray(total);
        int[] offsets = new int[n + 1];
        long[][] shapes = new long[n][];
        int at = 0;
        for (int i = 0; i < n; i++) {
          System.arraycopy(ts[i].array(), 0, values, at, ts[i].count());
          at += ts[i].count();
          offsets[i + 1] = at;
          shapes[i] = ts[i].shape();
        }
        return new Ragged(Tensor.of(spec.dtype(), values, total), offsets, shapes);
      }
      default -> {
        long[] fixed = spec.shapeRef();
        long elements = 1;
        for (long d : fixed) {
          elements = Math.multiplyExact(elements, d);
        }
        int count = Math.toIntExact(elements);
        Object values = spec.dtype().newArray(Math.multiplyExact(n, count));
        int at = 0;
        for (Run r : runs) {
          FetchColumns c = r.columns();
          if (c.counts[f] != 0) {
            int k = (r.to() - r.from()) * count;
            if (k > 0) {
              System.arraycopy(c.cols[f], r.from() * count, values, at, k);
            }
            at += k;
          } else {
            for (int row = r.from(); row < r.to(); row++) {
              System.arraycopy(((Tensor[]) c.cols[f])[row].array(), 0, values, at, count);
              at += count;
            }
          }
        }
        long[] shape = new long[fixed.length + 1];
        shape[0] = n;
        System.arraycopy(fixed, 0, shape, 1, fixed.length);
        return Tensor.of(spec.dtype(), values, shape);
      }
    }
  }

  private static Tensor[] tensors(int f, List<Run> runs, int n) {
    Tensor[] out = new Tensor[n];
    int at = 0;
    for (Run r : runs) {
      System.arraycopy(r.columns().cols[f], r.from(), out, at, r.to() - r.from());
      at += r.to() - r.from();
    }
    return out;
  }

  @Override
  public String toString() {
    return "FetchColumns{" + rows + " rows of " + Arrays.toString(names) + "}";
  }
}
