package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Reads one file (or one byte range of it, sample layout) of a scan: opens it through the Hadoop
 * FileSystem, hands it to the layout's reader (rows, or column batches for the sample layout),
 * counts what was fetched when closed, and counts the files that Spark will skip under
 * {@code ignoreCorruptFiles} / {@code ignoreMissingFiles} (the exception is rethrown; Spark's
 * FilePartitionReader does the skipping).
 *
 * @param <T> rows or batches
 */
final class NpzFileReader<T> implements PartitionReader<T> {
  private final PartitionReader<T> rows;
  private final HadoopRangeSource src;
  private final ReadCounters counters;
  private final boolean ignoreCorrupt;
  private boolean closed;

  /** The reader of an opened file's layout. */
  @FunctionalInterface
  private interface LayoutReader<T> {
    PartitionReader<T> open(ArrayFile file, String name, long start, long length, long size) throws IOException;
  }

  private NpzFileReader(PartitionReader<T> rows, HadoopRangeSource src, ReadCounters counters,
      boolean ignoreCorrupt) {
    this.rows = rows;
    this.src = src;
    this.counters = counters;
    this.ignoreCorrupt = ignoreCorrupt;
  }

  /**
   * Reads {@code file} (one split of a scan) for {@code spec}; {@code needsFile} is
   * {@code spec.needsFile()}, {@code pathColumn} whether {@code spec} has the path column (both
   * asked once per task, not once per file). A read that needs no file (the file layout with only
   * the path column, or none, as {@code count()}) neither opens the file nor makes its path unless
   * the path column is read.
   */
  static NpzFileReader<InternalRow> open(PartitionedFile file, ReadSpec spec, boolean needsFile, boolean pathColumn,
      ReadFileSystems fs, ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing) throws IOException {
    if (!needsFile) {
      String name = pathColumn ? file.toPath().toString() : null;
      return new NpzFileReader<>(new FileLayoutReader(name, null, spec.columns(), counters), null, counters, false);
    }
    return openFile(file.toPath(), file.start(), file.length(), file.fileSize(), fs, counters, ignoreCorrupt,
        ignoreMissing, spec.format(), rowReader(spec, counters));
  }

  /**
   * Reads {@code file} (one split of a sample-layout scan whose columns {@link SampleVectors} all
   * hold) as column batches ({@link SampleBatchReader}), with the file's partition values of
   * {@code partitionSchema} as constant columns after the data columns.
   */
  static NpzFileReader<ColumnarBatch> openBatches(PartitionedFile file, ReadSpec spec, StructType partitionSchema,
      ReadFileSystems fs, ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing) throws IOException {
    int columns = spec.columns().size();
    return openFile(file.toPath(), file.start(), file.length(), file.fileSize(), fs, counters, ignoreCorrupt,
        ignoreMissing, spec.format(), (f, name, start, length, size) -> SampleBatchReader.of(
            SampleLayoutReader.open(f, name, start, length, size, spec, counters), columns, partitionSchema,
            file.partitionValues()));
  }

  private static LayoutReader<InternalRow> rowReader(ReadSpec spec, ReadCounters counters) {
    return spec.layout() == Layout.FILE
        ? (f, name, start, length, size) -> new FileLayoutReader(name, f, spec.columns(), counters)
        : (f, name, start, length, size) -> SampleLayoutReader.open(f, name, start, length, size, spec, counters);
  }

  /**
   * Opens bytes {@code [start, start + length)} of {@code path} ({@code size} bytes as listed).
   * The file is opened (an .npz's directory read) here, so that a missing or damaged file fails
   * here, where Spark's {@code ignoreMissingFiles} / {@code ignoreCorruptFiles} handle it.
   */
  static NpzFileReader<InternalRow> open(Path path, long start, long length, long size, ReadSpec spec,
      ReadFileSystems fs, ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing) throws IOException {
    if (!spec.needsFile()) {
      return new NpzFileReader<>(new FileLayoutReader(path.toString(), null, spec.columns(), counters), null, counters,
          false);
    }
    return openFile(path, start, length, size, fs, counters, ignoreCorrupt, ignoreMissing, spec.format(),
        rowReader(spec, counters));
  }

  /** The {@code open}s above of a read that needs the file (known to the caller: no test per file). */
  private static <T> NpzFileReader<T> openFile(Path path, long start, long length, long size, ReadFileSystems fs,
      ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing, String format, LayoutReader<T> layout)
      throws IOException {
    String name = path.toString();
    HadoopRangeSource src = null;
    try {
      src = fs.open(path, name, start, length, size, format);
      ArrayFile file = ReadSpec.open(format, src);
      return new NpzFileReader<>(layout.open(file, name, start, length, size), src, counters, ignoreCorrupt);
    } catch (IOException | RuntimeException e) {
      if (e instanceof FileNotFoundException && ignoreMissing) {
        counters.missingFileSkipped();
      } else if (ignoreCorrupt) {
        counters.corruptFileSkipped();
      }
      if (src != null) {
        counters.fileRead(src);
        try {
          src.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  @Override
  public boolean next() throws IOException {
    try {
      return rows.next();
    } catch (IOException | RuntimeException e) {
      if (ignoreCorrupt) {
        counters.corruptFileSkipped();
      }
      throw e;
    }
  }

  @Override
  public T get() {
    return rows.get();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    rows.close();
    if (src != null) {
      counters.fileRead(src);
      src.close();
    }
  }
}
