package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.datasources.PartitionedFile;

/**
 * Reads one file (or one byte range of it, sample layout) of a scan: opens it through the Hadoop
 * FileSystem, hands it to the layout's reader, counts what was fetched when closed, and counts the
 * files that Spark will skip under {@code ignoreCorruptFiles} / {@code ignoreMissingFiles} (the
 * exception is rethrown; Spark's FilePartitionReader does the skipping).
 */
final class NpzFileReader implements PartitionReader<InternalRow> {
  private final PartitionReader<InternalRow> rows;
  private final HadoopRangeSource src;
  private final ReadCounters counters;
  private final boolean ignoreCorrupt;
  private boolean closed;

  private NpzFileReader(PartitionReader<InternalRow> rows, HadoopRangeSource src, ReadCounters counters,
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
  static NpzFileReader open(PartitionedFile file, ReadSpec spec, boolean needsFile, boolean pathColumn,
      ReadFileSystems fs, ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing) throws IOException {
    if (!needsFile) {
      String name = pathColumn ? file.toPath().toString() : null;
      return new NpzFileReader(new FileLayoutReader(name, null, spec.columns(), counters), null, counters, false);
    }
    return openFile(file.toPath(), file.start(), file.length(), file.fileSize(), spec, fs, counters, ignoreCorrupt,
        ignoreMissing);
  }

  /**
   * Opens bytes {@code [start, start + length)} of {@code path} ({@code size} bytes as listed).
   * The file is opened (an .npz's directory read) here, so that a missing or damaged file fails
   * here, where Spark's {@code ignoreMissingFiles} / {@code ignoreCorruptFiles} handle it.
   */
  static NpzFileReader open(Path path, long start, long length, long size, ReadSpec spec, ReadFileSystems fs,
      ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing) throws IOException {
    if (!spec.needsFile()) {
      return new NpzFileReader(new FileLayoutReader(path.toString(), null, spec.columns(), counters), null, counters,
          false);
    }
    return openFile(path, start, length, size, spec, fs, counters, ignoreCorrupt, ignoreMissing);
  }

  /** The {@code open} above of a read that needs the file (known to the caller: no test per file). */
  private static NpzFileReader openFile(Path path, long start, long length, long size, ReadSpec spec,
      ReadFileSystems fs, ReadCounters counters, boolean ignoreCorrupt, boolean ignoreMissing) throws IOException {
    String name = path.toString();
    HadoopRangeSource src = null;
    try {
      src = fs.open(path, name, start, length, size, spec.format());
      ArrayFile file = ReadSpec.open(spec.format(), src);
      PartitionReader<InternalRow> rows = spec.layout() == Layout.FILE
          ? new FileLayoutReader(name, file, spec.columns(), counters)
          : SampleLayoutReader.open(file, name, start, length, size, spec, counters);
      return new NpzFileReader(rows, src, counters, ignoreCorrupt);
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
  public InternalRow get() {
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
