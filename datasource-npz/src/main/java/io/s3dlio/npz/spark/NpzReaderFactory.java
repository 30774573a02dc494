package io.s3dlio.npz.spark;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Serializable plain values for the executors; makes one reader per partition. */
final class NpzReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final String format;
  private final Layout layout;
  private final TreeMap<String, String> storeSettings;
  private final List<ColumnSpec> columns;
  private final List<String> allArrays;

  NpzReaderFactory(String format, Layout layout, Map<String, String> storeSettings, List<ColumnSpec> columns,
      List<String> allArrays) {
    this.format = format;
    this.layout = layout;
    this.storeSettings = new TreeMap<>(storeSettings);
    this.columns = List.copyOf(columns);
    this.allArrays = List.copyOf(allArrays);
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    NpzInputPartition p = (NpzInputPartition) partition;
    return layout == Layout.FILE
        ? new FileRowReader(format, storeSettings, columns, p.slices())
        : new SampleRowReader(format, storeSettings, columns, allArrays, p.slices());
  }
}
