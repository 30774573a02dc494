package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
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
  private final ColumnSpec[] columns;
  private final long first;
  private final long count;
  /** Per column: the decoded array (values columns of a non-empty range), else null. */
  private final NpyArray[] data;
  /** Per column: elements per row of its array. */
  private final int[] rowElems;
  /** Per column: the row of {@code data} that is row {@code first} of the file. */
  private final long[] offsetRows;
  /**
   * Writes rows straight into Spark's row format when every column allows it (see
   * {@link #unsafeWriters}, set up at the first row: a batch read makes no rows); else null and
   * rows are generic ones.
   */
  private UnsafeRowWriter writer;
  /** Per array column of {@link #writer}: its array writer. */
  private UnsafeArrayWriter[] sliceWriters;
  private long pos;
  private InternalRow row;

  private SampleLayoutReader(UTF8String path, List<ColumnSpec> columns, long first, long count) {
    this.path = path;
    this.columns = columns.toArray(new ColumnSpec[0]);
    this.first = first;
    this.count = count;
    this.data = new NpyArray[this.columns.length];
    this.rowElems = new int[this.columns.length];
    this.offsetRows = new long[this.columns.length];
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
    for (int i = 0; i < r.columns.length; i++) {
      ColumnSpec c = r.columns[i];
      if (c.kind() != ColumnSpec.Kind.VALUES) {
        continue;
      }
      Integer same = loaded.get(c.array());
      if (same != null) {
        r.data[i] = r.data[same];
        r.rowElems[i] = r.rowElems[same];
        r.offsetRows[i] = r.offsetRows[same];
        continue;
      }
      NpyHeader h = headers.get(c.array());
      FileLayoutReader.checkType(path, c.array(), h.dtype(), c.element());
      if ((h.rank() > 1) != c.perSample()) {
        throw new IllegalArgumentException("Cannot read array '" + c.array() + "' from " + path + " by sample: it"
            + " has rank " + h.rank() + " but the schema expects " + (c.perSample() ? "an array" : "a scalar")
            + " per sample");
      }
      loaded.put(c.array(), i);
      if (r.count == 0) {
        r.data[i] = null;
      } else if (!whole && file.canReadRows(c.array())) {
        r.data[i] = file.readRows(c.array(), r.first, r.count);
        ranged = true;
      } else {
        r.data[i] = file.read(c.array());
        r.offsetRows[i] = r.first;
      }
      if (r.count > 0) {
        counters.arrayRead();
      }
      r.rowElems[i] = (int) (rows == 0 ? 0 : h.count() / rows);
    }
    if (ranged) {
      counters.rowRangeRead();
    }
    return r;
  }

  /**
   * Sets up {@link #writer} when every column can be written straight into Spark's row format: the
   * path, the index, fixed-size scalars and slices of arrays whose bytes are Spark's (see
   * {@link ArrayConverter#copiesSlices}). Such a row costs one copy of its values into one reused
   * buffer, where a generic row costs an array value, its boxed values and the row object, all
   * converted again by Spark's projection; Spark copies the rows it keeps (a reader's row may be
   * reused, as Spark's own Parquet reader does).
   */
  private void unsafeWriters() {
    UnsafeArrayWriter[] slices = new UnsafeArrayWriter[columns.length];
    UnsafeRowWriter w = new UnsafeRowWriter(columns.length);
    for (int i = 0; i < columns.length; i++) {
      ColumnSpec c = columns[i];
      if (c.kind() != ColumnSpec.Kind.VALUES) {
        continue;
      }
      if (data[i] == null) {
        return; // no rows
      }
      NpyDtype dtype = data[i].dtype();
      if (c.perSample() ? !ArrayConverter.copiesSlices(dtype) : !ArrayConverter.writesElements(dtype)) {
        return;
      }
      if (c.perSample()) {
        slices[i] = new UnsafeArrayWriter(w, dtype.itemSize());
      }
    }
    writer = w;
    sliceWriters = slices;
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
    if (pos == 0) {
      unsafeWriters();
    }
    row = writer != null ? unsafeRow() : genericRow();
    pos++;
    return true;
  }

  /** Row {@code pos}, written into {@link #writer}'s buffer (reused by the next row). */
  private InternalRow unsafeRow() {
    writer.reset();
    writer.zeroOutNullBytes();
    for (int i = 0; i < columns.length; i++) {
      ColumnSpec c = columns[i];
      switch (c.kind()) {
        case PATH -> writer.write(i, path);
        case INDEX -> writer.write(i, first + pos);
        case VALUES -> {
          int n = rowElems[i];
          int at = (int) ((pos + offsetRows[i]) * n);
          if (c.perSample()) {
            ArrayConverter.writeSlice(writer, sliceWriters[i], i, data[i], at, n);
          } else {
            ArrayConverter.writeElement(writer, i, data[i], at);
          }
        }
        default -> throw new IllegalStateException("Cannot fill column " + c + " in the sample layout");
      }
    }
    return writer.getRow();
  }

  /** Row {@code pos} as a new generic row. */
  private InternalRow genericRow() {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = columns[i];
      switch (c.kind()) {
        case PATH -> values[i] = path;
        case INDEX -> values[i] = first + pos;
        case VALUES -> {
          int n = rowElems[i];
          int at = (int) ((pos + offsetRows[i]) * n);
          values[i] = c.perSample() ? ArrayConverter.toArray(data[i], at, n) : ArrayConverter.element(data[i], at);
        }
        default -> throw new IllegalStateException("Cannot fill column " + c + " in the sample layout");
      }
    }
    return new GenericInternalRow(values);
  }

  @Override
  public InternalRow get() {
    return row;
  }

  /** The rows of this read (of its file's byte range). */
  long rows() {
    return count;
  }

  /**
   * Column {@code i} of this read as a vector over its rows ({@link SampleBatchReader}), whose
   * window starts at the range's first row; a values column only of a type
   * {@link SampleVectors#holds} accepts, and only when the range has rows.
   */
  ColumnVector vector(int i, int batchRows) {
    ColumnSpec c = columns[i];
    return switch (c.kind()) {
      case PATH -> {
        ConstantColumnVector v = new ConstantColumnVector(batchRows, DataTypes.StringType);
        v.setUtf8String(path);
        yield v;
      }
      case INDEX -> new SampleVectors.Index(first);
      case VALUES -> c.perSample()
          ? new SampleVectors.Slices(data[i], DataTypes.createArrayType(c.element(), false), rowElems[i], offsetRows[i])
          : new SampleVectors.Elements(data[i], c.element(), offsetRows[i]);
      default -> throw new IllegalStateException("Cannot fill column " + c + " in the sample layout");
    };
  }

  @Override
  public void close() {
    Arrays.fill(data, null);
  }
}
