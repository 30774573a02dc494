package io.s3dlio.loader.dataset;

import io.s3dlio.loader.FetchContext;
import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.MapDataset;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.SampleException;
import io.s3dlio.loader.Tensor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared part of the array datasets ({@link NpzDataset}, {@link Hdf5Dataset}): files whose
 * chosen arrays share their first dimension, sample {@code i} being row {@code i - start(f)} of
 * every chosen array of file {@code f}. A batch's rows are grouped per file into runs (rows at
 * most {@code coalesceGap} bytes apart, at most {@code maxRequestBytes} per run), and each run
 * of each array is read with one call of {@link #readRows}.
 */
abstract class RowDataset implements MapDataset {
  private final List<String> names;
  private final String[] files;
  private final FileRanges ranges;
  private final Map<String, FieldSpec> schema;
  private final long[] rowBytes;
  private final long sampleBytes;
  private final Coalescer coalescer;

  /**
   * @param names the arrays, in field order
   * @param files each file's URI
   * @param rows each file's row count
   * @param specs each array's field (dtype and row shape)
   */
  RowDataset(List<String> names, String[] files, long[] rows, List<FieldSpec> specs, long coalesceGap,
      long maxRequestBytes) {
    this.names = List.copyOf(names);
    this.files = files.clone();
    this.ranges = new FileRanges(rows);
    Map<String, FieldSpec> m = new LinkedHashMap<>();
    this.rowBytes = new long[names.size()];
    long total = 0;
    long widest = 1;
    for (int a = 0; a < names.size(); a++) {
      FieldSpec s = specs.get(a);
      m.put(names.get(a), s);
      long n = s.dtype().itemSize();
      for (long d : s.shape()) {
        n *= d;
      }
      rowBytes[a] = n;
      total += n;
      widest = Math.max(widest, n);
    }
    this.schema = java.util.Collections.unmodifiableMap(m);
    this.sampleBytes = total;
    this.coalescer = new Coalescer(coalesceGap / widest, Math.max(1, maxRequestBytes / widest));
  }

  /**
   * Rows {@code [first, first + count)} of array {@code a} of file {@code f}, as one tensor of
   * shape {@code [count, row shape...]}; reports its storage requests to {@code ctx}.
   */
  abstract Tensor readRows(int f, int a, long first, int count, FetchContext ctx) throws IOException;

  /** Byte offset of row {@code row} of array {@code a} in file {@code f}, for messages (-1 if unknown). */
  abstract long rowOffset(int f, int a, long row);

  /** The files' URIs. */
  String[] files() {
    return files;
  }

  /** The arrays, in field order. */
  List<String> names() {
    return names;
  }

  @Override
  public long size() {
    return ranges.total();
  }

  @Override
  public Sample get(long index) throws IOException {
    return MapDataset.getOne(this, index);
  }

  /** File and row of each of {@code indices}, and the runs of rows that read them. */
  private record Plan(int[] file, long[] row, List<Coalescer.Range> runs) {
  }

  private Plan plan(long[] indices) {
    int n = indices.length;
    int[] file = new int[n];
    long[] row = new long[n];
    long[] one = new long[n];
    for (int i = 0; i < n; i++) {
      file[i] = ranges.fileOf(indices[i]);
      row[i] = indices[i] - ranges.start(file[i]);
      one[i] = 1;
    }
    return new Plan(file, row, coalescer.plan(file, row, one));
  }

  /** One part per run of rows. */
  @Override
  public List<int[]> split(long[] indices) {
    return plan(indices).runs().stream().map(Coalescer.Range::slots).toList();
  }

  @Override
  public Sample[] getAll(long[] indices, SampleException[] errors, FetchContext ctx) {
    Plan plan = plan(indices);
    long[] row = plan.row();
    int n = indices.length;
    Sample[] out = new Sample[n];
    for (Coalescer.Range r : plan.runs()) {
      int f = r.file();
      int count = (int) (r.end() - r.start());
      Map<Integer, Map<String, Object>> fields = new java.util.HashMap<>();
      for (int slot : r.slots()) {
        fields.put(slot, new LinkedHashMap<>());
      }
      for (int a = 0; a < names.size(); a++) {
        Tensor t;
        try {
          if (ctx.cancelled()) {
            throw new java.io.InterruptedIOException("the fetch was cancelled (the iterator was closed)");
          }
          t = readRows(f, a, r.start(), count, ctx);
        } catch (IOException | RuntimeException e) {
          for (int slot : r.slots()) {
            long off = e instanceof io.s3dlio.npz.format.NpzFormatException z ? z.offset() : rowOffset(f, a, row[slot]);
            errors[slot] = SampleException.of(indices[slot], files[f] + " (array '" + names.get(a) + "', row "
                + row[slot] + ")", off, e);
          }
          break;
        }
        long[] rowShape = schema.get(names.get(a)).shape();
        int per = (int) (rowBytes[a] / t.dtype().itemSize());
        for (int slot : r.slots()) {
          Object dst = newLike(t.array(), per);
          System.arraycopy(t.array(), (int) (row[slot] - r.start()) * per, dst, 0, per);
          fields.get(slot).put(names.get(a), Tensor.of(t.dtype(), dst, rowShape));
        }
      }
      for (int slot : r.slots()) {
        if (errors[slot] == null) {
          out[slot] = Sample.of(indices[slot], fields.get(slot));
        }
      }
    }
    return out;
  }

  private static Object newLike(Object array, int n) {
    return java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
  }

  @Override
  public String describe(long index) {
    int f = ranges.fileOf(index);
    return files[f] + " row " + (index - ranges.start(f));
  }

  @Override
  public long estimateBytes(long index) {
    return sampleBytes;
  }

  @Override
  public Map<String, FieldSpec> schema() {
    return schema;
  }

  /** Checks that every file's arrays have the first file's dtypes and row shapes. */
  static void checkSameSpec(String file, String array, FieldSpec first, FieldSpec here, String firstFile) {
    if (!first.equals(here)) {
      throw new IllegalArgumentException("Cannot use " + file + " with " + firstFile + " in one dataset: array '" + array
          + "' is " + here + " there but " + first + " in " + firstFile);
    }
  }
}
