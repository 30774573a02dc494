package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * File layout: one row per file. Only arrays whose values column is needed are fetched; a needed
 * shape or dtype costs only the array's header.
 */
final class FileRowReader implements PartitionReader<InternalRow> {
  private final String format;
  private final Map<String, String> settings;
  private final List<ColumnSpec> columns;
  private final List<Slice> slices;
  private int next;
  private InternalRow row;

  FileRowReader(String format, Map<String, String> settings, List<ColumnSpec> columns, List<Slice> slices) {
    this.format = format;
    this.settings = settings;
    this.columns = columns;
    this.slices = slices;
  }

  @Override
  public boolean next() throws IOException {
    if (next >= slices.size()) {
      return false;
    }
    InputFile f = slices.get(next++).file();
    ArrayFile file = ArrayFiles.open(format, f, settings);
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnSpec c = columns.get(i);
      switch (c.kind()) {
        case PATH:
          values[i] = UTF8String.fromString(f.uri());
          break;
        case VALUES: {
          checkArray(file, c.array());
          NpyArray a = file.read(c.array());
          checkType(file.name(), c.array(), a.dtype(), c.element());
          values[i] = ArrayConverter.toArray(a, 0, a.count());
          break;
        }
        case SHAPE: {
          checkArray(file, c.array());
          values[i] = ArrayConverter.shape(file.header(c.array()).shape());
          break;
        }
        case DTYPE: {
          checkArray(file, c.array());
          NpyHeader h = file.header(c.array());
          values[i] = UTF8String.fromString(h.dtype().descr());
          break;
        }
        default:
          throw new IllegalStateException("Cannot fill column " + c + " in the file layout");
      }
    }
    NpzReadMetrics.add(file.source());
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
    // stores are shared per JVM (StoreAccess); nothing held per file
  }
}
