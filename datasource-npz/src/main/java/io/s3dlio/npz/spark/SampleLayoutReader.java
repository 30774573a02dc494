package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Sample layout: one row per index along axis 0, for the rows of one split of one file.
 *
 * <p>Spark splits a large file into byte ranges; row {@code r} of a file of {@code n} rows and
 * {@code size} bytes belongs to the split holding byte {@code r * size / n}, so the splits of a
 * file share its rows out exactly (see {@link #rowRange}). For a stored C-order array only those
 * rows' bytes are fetched (one ranged read); otherwise (deflated, Fortran order) the whole array
 * is read and the split's rows taken from it. Arrays not needed by the query are not fetched
 * (their headers are, to check the row count).
 */
final class SampleLayoutReader implements PartitionReader<InternalRow> {
  private final UTF8String path;
  private final List<ColumnSpec> columns;
  private final long first;
  private final long count;
  private final List<NpyArray> data = new ArrayList<>();
  private final List<Integer> rowElems = new ArrayList<>();
  private final List<Long> offsetRows = new ArrayList<>();
  private long pos;
  private InternalRow row;

  private SampleLayoutReader(UTF8String path, List<ColumnSpec> columns, long first, long count) {
    this.path = path;
    this.columns = columns;
    this.first = first;
    this.count = count;
  }

  /**
   * Reads the headers of {@code file} and the needed arrays for the rows of bytes
   * {@code [start, start + length)} of a file of {@code size} bytes.
   */
  static SampleLayoutReader open(ArrayFile file, String path, long start, long length, long size, ReadSpec spec,
      ReadCounters counters) throws IOException {
    Map<String, NpyHeader> headers = new LinkedHashMap<>();
    for (String a : spec.allArrays()) {
      FileLayoutReader.checkArray(file, a);
      headers.put(a, file.header(a));
    }
    long rows = NpzSchemas.checkSampleArrays(headers, path);
    boolean whole = start == 0 && length >= size;
    long[] range = whole ? new long[] {0, rows} : rowRange(start, length, size, rows);
    SampleLayoutReader r = new SampleLayoutReader(UTF8String.fromString(path), spec.columns(), range[0],
        range[1] - range[0]);
    Map<String, Integer> loaded = new LinkedHashMap<>();
    boolean ranged = false;
    for (ColumnSpec c : spec.columns()) {
      if (c.kind() != ColumnSpec.Kind.VALUES) {
        r.data.add(null);
        r.rowElems.add(0);
        r.offsetRows.add(0L);
        continue;
      }
      Integer same = loaded.get(c.array());
      if (same != null) {
        r.data.add(r.data.get(same));
        r.rowElems.add(r.rowElems.get(same));
        r.offsetRows.add(r.offsetRows.get(same));
        continue;
      }
      NpyHeader h = headers.get(c.array());
      FileLayoutReader.checkType(path, c.array(), h.dtype(), c.element());
      if ((h.rank() > 1) != c.perSample()) {
        throw new IllegalArgumentException("Cannot read array '" + c.array() + "' from " + path + " by sample: it"
            + " has rank " + h.rank() + " but the schema expects " + (c.perSample() ? "an array" : "a scalar")
            + " per sample");
      }
      loaded.put(c.array(), r.data.size());
      if (r.count == 0) {
        r.data.add(null);
        r.offsetRows.add(0L);
      } else if (!whole && file.canReadRows(c.array())) {
        r.data.add(file.readRows(c.array(), r.first, r.count));
        r.offsetRows.add(0L);
        ranged = true;
      } else {
        r.data.add(file.read(c.array()));
        r.offsetRows.add(r.first);
      }
      if (r.count > 0) {
        counters.arrayRead();
      }
      r.rowElems.add((int) (rows == 0 ? 0 : h.count() / rows));
    }
    if (ranged) {
      counters.rowRangeRead();
    }
    return r;
  }

  /**
   * The rows {@code [first, end)} of a file of {@code rows} rows and {@code size} bytes that belong
   * to its byte range {@code [start, start + length)}: those whose position {@code r * size / rows}
   * lies in it, i.e. {@code first = ceil(start * rows / size)} and {@code end = ceil((start +
   * length) * rows / size)}. Consecutive ranges covering the file give every row exactly once.
   */
  static long[] rowRange(long start, long length, long size, long rows) {
    long end = Math.min(size, start + length);
    return new long[] {ceilScaled(start, rows, size), end >= size ? rows : ceilScaled(end, rows, size)};
  }

  private static long ceilScaled(long at, long rows, long size) {
    BigInteger[] qr = BigInteger.valueOf(at).multiply(BigInteger.valueOf(rows))
        .divideAndRemainder(BigInteger.valueOf(size));
    return qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
  }

  @Override
  public boolean next() {
    if (pos >= count) {
      return false;
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = columns.get(i);
      switch (c.kind()) {
        case PATH -> values[i] = path;
        case INDEX -> values[i] = first + pos;
        case VALUES -> {
          NpyArray a = data.get(i);
          int n = rowElems.get(i);
          int at = (int) ((pos + offsetRows.get(i)) * n);
          values[i] = c.perSample() ? ArrayConverter.toArray(a, at, n) : ArrayConverter.element(a, at);
        }
        default -> throw new IllegalStateException("Cannot fill column " + c + " in the sample layout");
      }
    }
    pos++;
    row = new GenericInternalRow(values);
    return true;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public void close() {
    data.clear();
  }
}
