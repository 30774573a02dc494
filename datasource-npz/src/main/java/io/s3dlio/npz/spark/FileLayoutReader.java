package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * File layout: the one row of one file. Only arrays whose values column is needed are fetched; a
 * needed shape or dtype costs only the array's header; with only the path column (or none, as in
 * {@code count()}) the file is not opened at all ({@code file} is null).
 */
final class FileLayoutReader implements PartitionReader<InternalRow> {
  private final String path;
  private final ArrayFile file;
  private final List<ColumnSpec> columns;
  private final ReadCounters counters;
  private boolean done;
  private InternalRow row;

  FileLayoutReader(String path, ArrayFile file, List<ColumnSpec> columns, ReadCounters counters) {
    this.path = path;
    this.file = file;
    this.columns = columns;
    this.counters = counters;
  }

  @Override
  public boolean next() throws IOException {
    if (done) {
      return false;
    }
    done = true;
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = columns.get(i);
      switch (c.kind()) {
        case PATH -> values[i] = UTF8String.fromString(path);
        case VALUES -> {
          checkArray(file, c.array());
          NpyArray a = file.read(c.array());
          counters.arrayRead();
          checkType(file.name(), c.array(), a.dtype(), c.element());
          values[i] = ArrayConverter.toArray(a, 0, a.count());
        }
        case SHAPE -> {
          checkArray(file, c.array());
          values[i] = ArrayConverter.shape(file.header(c.array()).shape());
        }
        case DTYPE -> {
          checkArray(file, c.array());
          NpyHeader h = file.header(c.array());
          values[i] = UTF8String.fromString(h.dtype().descr());
        }
        default -> throw new IllegalStateException("Cannot fill column " + c + " in the file layout");
      }
    }
    row = new GenericInternalRow(values);
    return true;
  }

  static void checkArray(ArrayFile file, String array) {
    if (!file.arrayNames().contains(array)) {
      throw new IllegalArgumentException("Cannot read array '" + array + "' from " + file.name()
          + ": the file has no such array (arrays: " + file.arrayNames() + ")");
    }
  }

  static void checkType(String file, String array, NpyDtype dtype, DataType expected) {
    DataType actual = ArrayConverter.sparkType(dtype);
    if (!actual.equals(expected)) {
      throw new IllegalArgumentException("Cannot read array '" + array + "' from " + file + ": its dtype "
          + dtype.descr() + " is " + actual.simpleString() + " but the schema says " + expected.simpleString());
    }
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public void close() {
    // the source is closed by SourceClosingReader
  }
}
