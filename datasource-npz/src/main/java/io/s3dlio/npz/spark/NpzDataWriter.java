package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyWriter;
import io.s3dlio.npz.format.NpzWriter;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the rows of one task into files under the task attempt's staging folder; the driver
 * ({@link NpzWriteJob}) publishes them after every task succeeded.
 *
 * <p>File layout: one file per row; each value column becomes an array (reshaped by its
 * {@code <a>_shape} column when there is one; a scalar column becomes a 0-d array), and
 * {@code path} and {@code <a>_dtype} columns are not written. Sample layout: the rows of the task
 * are stacked along axis 0, one file per task (or per {@code max-records-per-file} rows); the
 * {@code path} and {@code index} columns are not written.
 */
final class NpzDataWriter {
  /** Plain values the executors need. */
  record Spec(String format, Layout layout, boolean compress, long maxRecordsPerFile,
      TreeMap<String, String> storeSettings, StructType schema, String stagingPrefix, String jobId)
      implements Serializable {
  }

  private final Spec spec;
  private final int partition;
  private final ObjectUri staging;
  private final ObjectStore store;
  private final List<Integer> valueOrdinals = new ArrayList<>();
  private final Map<Integer, Integer> shapeOrdinal = new LinkedHashMap<>();
  private final List<ColumnBuffer> buffers = new ArrayList<>();
  private final List<Long> sampleLength = new ArrayList<>();
  private final List<String> written = new ArrayList<>();
  private long rows;
  private long rowsInFile;
  private int fileNumber;

  NpzDataWriter(Spec spec, int partition, int attempt) throws IOException {
    this.spec = spec;
    this.partition = partition;
    this.staging = ObjectUri.parse(spec.stagingPrefix()).child(partition + "-" + attempt + "/");
    this.store = StoreAccess.store(spec.storeSettings(), staging);
    StructType schema = spec.schema();
    java.util.Set<String> names = new java.util.HashSet<>(List.of(schema.fieldNames()));
    for (int i = 0; i < schema.fields().length; i++) {
      StructField f = schema.fields()[i];
      String n = f.name();
      if (n.equals(NpzOptions.PATH_COLUMN) && f.dataType().equals(DataTypes.StringType)
          || spec.layout() == Layout.SAMPLE && n.equals(NpzOptions.INDEX_COLUMN)
          || spec.layout() == Layout.FILE && n.endsWith(NpzOptions.DTYPE_SUFFIX)
              && names.contains(n.substring(0, n.length() - NpzOptions.DTYPE_SUFFIX.length()))
          || spec.layout() == Layout.FILE && n.endsWith(NpzOptions.SHAPE_SUFFIX)
              && names.contains(n.substring(0, n.length() - NpzOptions.SHAPE_SUFFIX.length()))) {
        continue;
      }
      DataType t = f.dataType();
      boolean isArray = t instanceof ArrayType;
      DataType elem = isArray ? ((ArrayType) t).elementType() : t;
      if (elem instanceof ArrayType) {
        throw new IllegalArgumentException("Cannot write column '" + n + "' of type " + t.simpleString()
            + ": nested arrays are not supported (flatten it and give its shape in a '" + n
            + NpzOptions.SHAPE_SUFFIX + "' column)");
      }
      valueOrdinals.add(i);
      buffers.add(new ColumnBuffer(n, elem));
      sampleLength.add(-1L);
      int shape = schema.getFieldIndex(n + NpzOptions.SHAPE_SUFFIX).getOrElse(() -> -1);
      if (shape >= 0) {
        shapeOrdinal.put(i, shape);
      }
    }
    if (valueOrdinals.isEmpty()) {
      throw new IllegalArgumentException("Cannot write " + spec.format() + ": no array columns in "
          + schema.simpleString());
    }
    if (spec.format().equals("npy") && valueOrdinals.size() != 1) {
      throw new IllegalArgumentException("Cannot write .npy: one array column is needed, found "
          + valueOrdinals.stream().map(i -> schema.fields()[i].name()).toList());
    }
  }

  void write(InternalRow row) throws IOException {
    StructType schema = spec.schema();
    String where = "in row " + rows + " of partition " + partition;
    if (spec.layout() == Layout.FILE) {
      Map<String, NpyArray> arrays = new LinkedHashMap<>();
      for (int k = 0; k < valueOrdinals.size(); k++) {
        int ord = valueOrdinals.get(k);
        if (row.isNullAt(ord)) {
          continue;
        }
        ColumnBuffer b = buffers.get(k);
        b.reset();
        long[] shape;
        if (schema.fields()[ord].dataType() instanceof ArrayType) {
          ArrayData a = row.getArray(ord);
          for (int j = 0; j < a.numElements(); j++) {
            b.add(a, j, where + " element " + j);
          }
          shape = new long[] {a.numElements()};
          Integer so = shapeOrdinal.get(ord);
          if (so != null && !row.isNullAt(so)) {
            shape = shape(row, so, schema.fields()[so], a.numElements(), where);
          }
        } else {
          b.add(row, ord, where);
          shape = new long[0];
        }
        arrays.put(schema.fields()[ord].name(), b.build(shape));
      }
      writeFile(arrays);
    } else {
      for (int k = 0; k < valueOrdinals.size(); k++) {
        int ord = valueOrdinals.get(k);
        ColumnBuffer b = buffers.get(k);
        if (schema.fields()[ord].dataType() instanceof ArrayType) {
          if (row.isNullAt(ord)) {
            throw new IllegalArgumentException("Cannot write column '" + schema.fields()[ord].name() + "' " + where
                + ": null values cannot be stored in .npy arrays");
          }
          ArrayData a = row.getArray(ord);
          long len = sampleLength.get(k);
          if (len >= 0 && len != a.numElements()) {
            throw new IllegalArgumentException("Cannot write column '" + schema.fields()[ord].name() + "' " + where
                + " by sample: it has " + a.numElements() + " elements but earlier rows have " + len);
          }
          sampleLength.set(k, (long) a.numElements());
          for (int j = 0; j < a.numElements(); j++) {
            b.add(a, j, where + " element " + j);
          }
        } else {
          b.add(row, ord, where);
        }
      }
      rowsInFile++;
      if (spec.maxRecordsPerFile() > 0 && rowsInFile >= spec.maxRecordsPerFile()) {
        flushSamples();
      }
    }
    rows++;
  }

  private static long[] shape(InternalRow row, int so, StructField f, int elements, String where) {
    ArrayData s = row.getArray(so);
    long[] shape = new long[s.numElements()];
    long n = 1;
    boolean ints = ((ArrayType) f.dataType()).elementType().equals(DataTypes.IntegerType);
    for (int j = 0; j < shape.length; j++) {
      shape[j] = ints ? s.getInt(j) : s.getLong(j);
      n *= shape[j];
    }
    if (n != elements || java.util.Arrays.stream(shape).anyMatch(d -> d < 0)) {
      throw new IllegalArgumentException("Cannot write column '" + f.name() + "' " + where + ": shape "
          + java.util.Arrays.toString(shape) + " does not hold " + elements + " elements");
    }
    return shape;
  }

  private void flushSamples() throws IOException {
    if (rowsInFile == 0) {
      return;
    }
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    for (int k = 0; k < valueOrdinals.size(); k++) {
      StructField f = spec.schema().fields()[valueOrdinals.get(k)];
      long len = sampleLength.get(k);
      long[] shape = f.dataType() instanceof ArrayType ? new long[] {rowsInFile, Math.max(0, len)}
          : new long[] {rowsInFile};
      arrays.put(f.name(), buffers.get(k).build(shape));
      buffers.get(k).reset();
      sampleLength.set(k, -1L);
    }
    writeFile(arrays);
    rowsInFile = 0;
  }

  private void writeFile(Map<String, NpyArray> arrays) throws IOException {
    String name = String.format("part-%05d-%s-%05d.%s", partition, spec.jobId(), fileNumber++, spec.format());
    ObjectUri uri = staging.child(name);
    ObjectWriter w = store.openWriter(uri);
    try {
      if (spec.format().equals("npy")) {
        NpyWriter.write(arrays.values().iterator().next(), w);
        w.close();
      } else {
        NpzWriter npz = spec.compress() ? NpzWriter.deflated(w, java.util.zip.Deflater.DEFAULT_COMPRESSION)
            : NpzWriter.stored(w);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
          npz.add(e.getKey(), e.getValue());
        }
        npz.close();
      }
    } catch (IOException | RuntimeException e) {
      w.abort();
      throw e;
    }
    written.add(uri.toString());
  }

  /** Finishes the task's last file; returns the staged files. */
  List<String> commit() throws IOException {
    if (spec.layout() == Layout.SAMPLE) {
      flushSamples();
    }
    return written;
  }

  /** Removes what this attempt staged. */
  void abort() {
    List<ObjectUri> uris = written.stream().map(ObjectUri::parse).toList();
    try {
      if (!uris.isEmpty()) {
        store.deleteAll(uris);
      }
    } catch (IOException | RuntimeException ignored) {
      // the job's staging folder is removed by the driver anyway
    }
  }
}
