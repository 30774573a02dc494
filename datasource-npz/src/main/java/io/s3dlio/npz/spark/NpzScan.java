package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Plans the read: files are packed into partitions of about {@code split-size} bytes; in the sample
 * layout, a file larger than that whose arrays are all stored and C-order is split into row ranges
 * (its headers are read here, on the driver, to learn the row count).
 */
final class NpzScan implements Scan, Batch {
  private final ReadConf conf;
  private final StructType readSchema;
  private final List<ColumnSpec> columns = new ArrayList<>();
  /** Arrays of the full schema (sample layout: all must agree on their row count). */
  private final List<String> allArrays = new ArrayList<>();

  NpzScan(ReadConf conf, StructType fullSchema, StructType readSchema) {
    this.conf = conf;
    this.readSchema = readSchema;
    Map<String, ColumnSpec> specs = NpzSchemas.columns(fullSchema, conf.layout());
    for (StructField f : readSchema.fields()) {
      columns.add(specs.get(f.name()));
    }
    specs.values().forEach(c -> {
      if (c.kind() == ColumnSpec.Kind.VALUES) {
        allArrays.add(c.array());
      }
    });
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public String description() {
    return "NpzScan[" + conf.format() + ", layout=" + conf.layout().name().toLowerCase(java.util.Locale.ROOT)
        + ", files=" + conf.files().size() + ", columns=" + List.of(readSchema.fieldNames()) + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    List<InputPartition> parts = new ArrayList<>();
    List<Slice> current = new ArrayList<>();
    long bytes = 0;
    for (InputFile f : conf.files()) {
      for (Slice s : slices(f)) {
        long est = s.isWhole() ? f.size() : est(s);
        if (!current.isEmpty() && bytes + est > conf.splitSize()) {
          parts.add(new NpzInputPartition(List.copyOf(current)));
          current.clear();
          bytes = 0;
        }
        current.add(s);
        bytes += est;
      }
    }
    if (!current.isEmpty()) {
      parts.add(new NpzInputPartition(List.copyOf(current)));
    }
    return parts.toArray(new InputPartition[0]);
  }

  private final Map<Slice, Long> estimates = new LinkedHashMap<>();

  private long est(Slice s) {
    return estimates.getOrDefault(s, s.file().size());
  }

  private List<Slice> slices(InputFile f) {
    if (conf.layout() != Layout.SAMPLE || f.size() <= conf.splitSize() || allArrays.isEmpty()) {
      return List.of(Slice.whole(f));
    }
    try {
      ArrayFile af = ArrayFiles.open(conf.format(), f, conf.storeSettings());
      Map<String, NpyHeader> headers = new LinkedHashMap<>();
      long rowBytes = 0;
      for (String a : allArrays) {
        if (!af.arrayNames().contains(a)) {
          return List.of(Slice.whole(f)); // the reader reports it
        }
        NpyHeader h = af.header(a);
        headers.put(a, h);
        if (!af.canReadRows(a)) {
          return List.of(Slice.whole(f));
        }
        rowBytes += h.rank() == 0 ? 0 : h.dataLength() / Math.max(1, h.dim(0));
      }
      long rows = NpzSchemas.checkSampleArrays(headers, f.uri());
      long perSplit = Math.max(1, conf.splitSize() / Math.max(1, rowBytes));
      List<Slice> out = new ArrayList<>();
      for (long r = 0; r < rows; r += perSplit) {
        Slice s = new Slice(f, r, Math.min(perSplit, rows - r));
        estimates.put(s, s.rowCount() * rowBytes);
        out.add(s);
      }
      return out.isEmpty() ? List.of(new Slice(f, 0, 0)) : out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the read of " + f.uri() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new NpzReaderFactory(conf.format(), conf.layout(), conf.storeSettings(), columns, allArrays);
  }
}
