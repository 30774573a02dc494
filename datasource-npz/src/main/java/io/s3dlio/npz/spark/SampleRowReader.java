package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Sample layout: one row per index along axis 0. For a row range of stored C-order arrays only
 * those rows' bytes are fetched; otherwise (deflated, Fortran order) the whole array is read once
 * per file. Arrays not needed by the query are not fetched (their headers are, to check the row
 * count).
 */
final class SampleRowReader implements PartitionReader<InternalRow> {
  private final String format;
  private final Map<String, String> settings;
  private final List<ColumnSpec> columns;
  private final List<String> allArrays;
  private final List<Slice> slices;
  private int nextSlice;
  private InputFile file;
  private UTF8String path;
  private long first;
  private long count;
  private long pos;
  private final Map<String, NpyArray> data = new LinkedHashMap<>();
  private final Map<String, Integer> rowElems = new LinkedHashMap<>();
  private final Map<String, Long> offsetRows = new LinkedHashMap<>();
  private InternalRow row;

  SampleRowReader(String format, Map<String, String> settings, List<ColumnSpec> columns, List<String> allArrays,
      List<Slice> slices) {
    this.format = format;
    this.settings = settings;
    this.columns = columns;
    this.allArrays = allArrays;
    this.slices = slices;
  }

  @Override
  public boolean next() throws IOException {
    while (pos >= count) {
      if (nextSlice >= slices.size()) {
        return false;
      }
      open(slices.get(nextSlice++));
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = columns.get(i);
      switch (c.kind()) {
        case PATH:
          values[i] = path;
          break;
        case INDEX:
          values[i] = first + pos;
          break;
        case VALUES: {
          NpyArray a = data.get(c.array());
          int n = rowElems.get(c.array());
          int at = (int) ((pos + offsetRows.get(c.array())) * n);
          values[i] = c.perSample() ? ArrayConverter.toArray(a, at, n) : ArrayConverter.element(a, at);
          break;
        }
        default:
          throw new IllegalStateException("Cannot fill column " + c + " in the sample layout");
      }
    }
    pos++;
    row = new GenericInternalRow(values);
    return true;
  }

  private void open(Slice s) throws IOException {
    file = s.file();
    path = UTF8String.fromString(file.uri());
    data.clear();
    rowElems.clear();
    offsetRows.clear();
    ArrayFile af = ArrayFiles.open(format, file, settings);
    Map<String, NpyHeader> headers = new LinkedHashMap<>();
    for (String a : allArrays) {
      FileRowReader.checkArray(af, a);
      headers.put(a, af.header(a));
    }
    long rows = NpzSchemas.checkSampleArrays(headers, file.uri());
    first = s.isWhole() ? 0 : s.firstRow();
    count = s.isWhole() ? rows : s.rowCount();
    pos = 0;
    for (ColumnSpec c : columns) {
      if (c.kind() != ColumnSpec.Kind.VALUES || data.containsKey(c.array())) {
        continue;
      }
      NpyHeader h = headers.get(c.array());
      FileRowReader.checkType(file.uri(), c.array(), h.dtype(), c.element());
      if ((h.rank() > 1) != c.perSample()) {
        throw new IllegalArgumentException("Cannot read array '" + c.array() + "' from " + file.uri() + " by sample:"
            + " it has rank " + h.rank() + " but the schema expects " + (c.perSample() ? "an array" : "a scalar")
            + " per sample");
      }
      NpyArray a;
      if (!s.isWhole() && af.canReadRows(c.array())) {
        a = af.readRows(c.array(), first, count);
        offsetRows.put(c.array(), 0L);
      } else {
        a = af.read(c.array());
        offsetRows.put(c.array(), first);
      }
      data.put(c.array(), a);
      rowElems.put(c.array(), (int) (rows == 0 ? 0 : h.count() / rows));
    }
    NpzReadMetrics.add(af.source());
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
