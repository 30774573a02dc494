package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyFile;
import io.s3dlio.npz.format.NpzReader;
import io.s3dlio.npz.format.RangeSource;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * What the readers of one scan need, resolved on the driver and shipped to the executors as plain
 * values.
 *
 * @param format "npz" or "npy"
 * @param layout file or sample
 * @param columns what each column of the (pruned) data schema holds, in order
 * @param allArrays the arrays of the full data schema (sample layout: all must agree on their row
 *     count, and the row count comes from them)
 */
record ReadSpec(String format, Layout layout, List<ColumnSpec> columns, List<String> allArrays)
    implements Serializable {

  ReadSpec {
    columns = List.copyOf(columns);
    allArrays = List.copyOf(allArrays);
  }

  /** Whether a file must be opened at all: the file layout with only the path column needs no I/O. */
  boolean needsFile() {
    return layout == Layout.SAMPLE || columns.stream().anyMatch(c -> c.kind() != ColumnSpec.Kind.PATH);
  }

  /** Whether the path column is read. */
  boolean hasPathColumn() {
    return columns.stream().anyMatch(c -> c.kind() == ColumnSpec.Kind.PATH);
  }

  /** The arrays of a file read through {@code src} (an .npz's directory is read here). */
  static ArrayFile open(String format, RangeSource src) throws IOException {
    return "npy".equals(format) ? new NpyFile(src) : NpzReader.open(src);
  }
}
