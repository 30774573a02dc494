package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyWriter;
import io.s3dlio.npz.format.NpzWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the rows Spark gives one output file, at the path Spark's commit protocol chose (under the
 * task attempt's folder; the committer publishes it when the task and the job commit, or deletes
 * it).
 *
 * <p>Sample layout: the rows are stacked along axis 0 and written as one file when Spark closes the
 * writer (Spark's {@code maxRecordsPerFile} bounds the rows per file). If the task failed, nothing
 * is written. File layout: each row is one file, written as it comes: the first at Spark's path,
 * the next ones beside it, named {@code <part-name>-r<n>.<ext>} (in the same attempt folder, so
 * committed or discarded with it); with {@code maxRecordsPerFile=1} every file is Spark's own.
 *
 * <p>A file whose write fails is aborted (the upload dropped where the FileSystem supports it).
 */
final class NpzOutputWriter extends OutputWriter {
  private final NpzWriteSpec spec;
  private final String path;
  private final Configuration conf;
  private final WriteMetrics metrics;
  private final List<ColumnBuffer> buffers = new ArrayList<>();
  private final long[] sampleLength;
  private long rows;
  private long rowsInFile;
  private int fileNumber;
  private boolean closed;

  NpzOutputWriter(NpzWriteSpec spec, String path, Configuration conf, WriteMetrics metrics) {
    this.spec = spec;
    this.path = path;
    this.conf = conf;
    this.metrics = metrics;
    for (int ord : spec.values()) {
      StructField f = spec.schema().fields()[ord];
      buffers.add(new ColumnBuffer(f.name(), f.dataType() instanceof ArrayType a ? a.elementType() : f.dataType()));
    }
    this.sampleLength = new long[buffers.size()];
    Arrays.fill(sampleLength, -1);
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public void write(InternalRow row) {
    try {
      if (spec.layout() == Layout.FILE) {
        writeFile(nextPath(), rowArrays(row));
      } else {
        addSample(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
    rows++;
  }

  private String where() {
    return "in row " + rows + " of " + path;
  }

  private Map<String, NpyArray> rowArrays(InternalRow row) {
    StructType schema = spec.schema();
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    for (int k = 0; k < spec.values().size(); k++) {
      int ord = spec.values().get(k);
      if (row.isNullAt(ord)) {
        continue;
      }
      ColumnBuffer b = buffers.get(k);
      b.reset();
      long[] shape;
      if (schema.fields()[ord].dataType() instanceof ArrayType) {
        ArrayData a = row.getArray(ord);
        for (int j = 0; j < a.numElements(); j++) {
          b.add(a, j, where() + " element " + j);
        }
        shape = new long[] {a.numElements()};
        Integer so = spec.shapes().get(ord);
        if (so != null && !row.isNullAt(so)) {
          shape = shape(row, so, schema.fields()[so], a.numElements());
        }
      } else {
        b.add(row, ord, where());
        shape = new long[0];
      }
      arrays.put(schema.fields()[ord].name(), b.build(shape));
    }
    return arrays;
  }

  private void addSample(InternalRow row) {
    StructType schema = spec.schema();
    for (int k = 0; k < spec.values().size(); k++) {
      int ord = spec.values().get(k);
      ColumnBuffer b = buffers.get(k);
      String name = schema.fields()[ord].name();
      if (schema.fields()[ord].dataType() instanceof ArrayType) {
        if (row.isNullAt(ord)) {
          throw new IllegalArgumentException("Cannot write column '" + name + "' " + where()
              + ": null values cannot be stored in .npy arrays");
        }
        ArrayData a = row.getArray(ord);
        if (sampleLength[k] >= 0 && sampleLength[k] != a.numElements()) {
          throw new IllegalArgumentException("Cannot write column '" + name + "' " + where() + " by sample: it has "
              + a.numElements() + " elements but earlier rows have " + sampleLength[k]);
        }
        sampleLength[k] = a.numElements();
        for (int j = 0; j < a.numElements(); j++) {
          b.add(a, j, where() + " element " + j);
        }
      } else {
        b.add(row, ord, where());
      }
    }
    rowsInFile++;
  }

  private long[] shape(InternalRow row, int so, StructField f, int elements) {
    ArrayData s = row.getArray(so);
    long[] shape = new long[s.numElements()];
    long n = 1;
    boolean ints = ((ArrayType) f.dataType()).elementType().equals(DataTypes.IntegerType);
    for (int j = 0; j < shape.length; j++) {
      shape[j] = ints ? s.getInt(j) : s.getLong(j);
      n *= shape[j];
    }
    if (n != elements || Arrays.stream(shape).anyMatch(d -> d < 0)) {
      throw new IllegalArgumentException("Cannot write column '" + f.name() + "' " + where() + ": shape "
          + Arrays.toString(shape) + " does not hold " + elements + " elements");
    }
    return shape;
  }

  /** File layout: Spark's path for the first row, then {@code <name>-r<n>.<ext>} beside it. */
  private String nextPath() {
    int n = fileNumber++;
    if (n == 0) {
      return path;
    }
    String ext = "." + spec.format();
    String base = path.endsWith(ext) ? path.substring(0, path.length() - ext.length()) : path;
    return String.format("%s-r%05d%s", base, n, ext);
  }

  private Map<String, NpyArray> sampleArrays() {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    for (int k = 0; k < spec.values().size(); k++) {
      StructField f = spec.schema().fields()[spec.values().get(k)];
      long[] shape = f.dataType() instanceof ArrayType ? new long[] {rowsInFile, Math.max(0, sampleLength[k])}
          : new long[] {rowsInFile};
      arrays.put(f.name(), buffers.get(k).build(shape));
      buffers.get(k).reset();
    }
    return arrays;
  }

  private void writeFile(String target, Map<String, NpyArray> arrays) throws IOException {
    Path p = new Path(target);
    FSDataOutputStream raw = p.getFileSystem(conf).create(p, false);
    Counting out = new Counting(raw);
    try {
      if (spec.format().equals("npy")) {
        NpyWriter.write(arrays.values().iterator().next(), out);
        out.close();
      } else {
        NpzWriter npz = spec.deflate() ? NpzWriter.deflated(out, Deflater.DEFAULT_COMPRESSION) : NpzWriter.stored(out);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
          npz.add(e.getKey(), e.getValue());
        }
        npz.close();
      }
    } catch (IOException | RuntimeException e) {
      abort(raw, e);
      throw e;
    }
    metrics.fileWritten(out.count, arrays.size());
  }

  private static void abort(FSDataOutputStream out, Exception cause) {
    try {
      ((Abortable) out).abort();
    } catch (UnsupportedOperationException notAbortable) {
      try {
        out.close();
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Sample layout: writes the file, unless the task failed (Spark closes the writers of a failed
   * task too; its attempt folder is discarded, so nothing is uploaded).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    TaskContext task = TaskContext.get();
    if (spec.layout() != Layout.SAMPLE || task != null && (task.isFailed() || task.isInterrupted())) {
      return;
    }
    try {
      writeFile(path, sampleArrays());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** Counts the bytes of a file; closing it closes the FileSystem's stream. */
  private static final class Counting extends FilterOutputStream {
    private long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
