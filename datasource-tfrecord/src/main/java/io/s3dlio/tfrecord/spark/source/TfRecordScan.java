package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.execution.PartitionedFileUtil$;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.FilePartition$;
import org.apache.spark.sql.execution.datasources.FileStatusWithMetadata;
import org.apache.spark.sql.execution.datasources.PartitionDirectory;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.datasources.v2.FileScan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A TFRecord scan, Spark's {@link FileScan}: the file index lists (once, in the table) and prunes
 * partitions by {@code partitionFilters}; files are cut into splits of the partition size and
 * small ones packed together, exactly as Spark does for its own formats
 * ({@code PartitionedFileUtil.splitFiles} + {@code FilePartition.getFilePartitions}, with
 * {@code spark.sql.files.maxPartitionBytes}/{@code openCostInBytes}). Two additions: the
 * {@code maxPartitionBytes} read option, and index files (by their suffix) are never planned as
 * data. A split's byte range is mapped to whole records by the reader.
 */
final class TfRecordScan implements FileScan {
  private final SparkSession sparkSession;
  private final PartitioningAwareFileIndex fileIndex;
  private final StructType dataSchema;
  private final StructType readDataSchema;
  private final StructType readPartitionSchema;
  private final CaseInsensitiveStringMap options;
  private final TfRecordOptions parsed;
  private final Seq<Expression> partitionFilters;
  private final Seq<Expression> dataFilters;
  // Fields of Scala traits implemented from Java.
  private int maxMetadataValueLength;
  private boolean caseSensitive;
  private transient Logger log;

  TfRecordScan(SparkSession sparkSession, PartitioningAwareFileIndex fileIndex, StructType dataSchema,
      StructType readDataSchema, StructType readPartitionSchema, CaseInsensitiveStringMap options,
      TfRecordOptions parsed, Seq<Expression> partitionFilters, Seq<Expression> dataFilters) {
    this.sparkSession = sparkSession;
    this.fileIndex = fileIndex;
    this.dataSchema = dataSchema;
    this.readDataSchema = readDataSchema;
    this.readPartitionSchema = readPartitionSchema;
    this.options = options;
    this.parsed = parsed;
    this.partitionFilters = partitionFilters;
    this.dataFilters = dataFilters;
    FileScan.$init$(this);
  }

  @Override
  public boolean isSplitable(Path path) {
    return FileSplits.unsplittableReason(parsed, path) == null;
  }

  @Override
  public String getFileUnSplittableReason(Path path) {
    return FileSplits.unsplittableReason(parsed, path);
  }

  /** Spark's own planning (FileScan.partitions), with the maxPartitionBytes option and without index files. */
  @Override
  public Seq<FilePartition> partitions() {
    Seq<PartitionDirectory> selected = fileIndex.listFiles(partitionFilters, dataFilters);
    List<PartitionDirectory> dirs = CollectionConverters.asJava(selected);
    long maxSplitBytes = maxSplitBytes(selected, dirs);
    int[] positions = partitionPositions();
    List<PartitionedFile> splits = new ArrayList<>();
    for (PartitionDirectory dir : dirs) {
      InternalRow values = project(dir.values(), positions);
      for (FileStatusWithMetadata file : CollectionConverters.asJava(dir.files())) {
        Path path = file.getPath();
        if (parsed.isIndexFile(path.getName())) {
          continue;
        }
        splits.addAll(CollectionConverters.asJava(PartitionedFileUtil$.MODULE$.splitFiles(file, path,
            isSplitable(path), maxSplitBytes, values)));
      }
    }
    splits.sort(Comparator.comparingLong(PartitionedFile::length).reversed());
    return FilePartition$.MODULE$.getFilePartitions(sparkSession, CollectionConverters.asScala(splits).toSeq(),
        maxSplitBytes);
  }

  private long maxSplitBytes(Seq<PartitionDirectory> selected, List<PartitionDirectory> dirs) {
    if (parsed.maxPartitionBytes() == 0) {
      return FilePartition$.MODULE$.maxSplitBytes(sparkSession, selected);
    }
    // FilePartition.maxSplitBytes with this read's maxPartitionBytes.
    SQLConf conf = Sources.classic(sparkSession).sessionState().conf();
    long openCost = conf.filesOpenCostInBytes();
    long total = 0;
    for (PartitionDirectory d : dirs) {
      for (FileStatusWithMetadata f : CollectionConverters.asJava(d.files())) {
        total += f.fileStatus().getLen() + openCost;
      }
    }
    long minPartitions = conf.filesMinPartitionNum().isDefined() ? (Integer) conf.filesMinPartitionNum().get()
        : Sources.classic(sparkSession).leafNodeDefaultParallelism();
    return Math.min(parsed.maxPartitionBytes(), Math.max(openCost, total / Math.max(1, minPartitions)));
  }

  /** Where each read partition column is in the file index's partition values. */
  private int[] partitionPositions() {
    StructType all = fileIndex.partitionSchema();
    int[] out = new int[readPartitionSchema.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Sources.fieldIndex(all, readPartitionSchema.fields()[i].name(), caseSensitive);
    }
    return out;
  }

  private InternalRow project(InternalRow values, int[] positions) {
    StructType all = fileIndex.partitionSchema();
    Object[] out = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      out[i] = values.get(positions[i], all.fields()[positions[i]].dataType());
    }
    return new GenericInternalRow(out);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    Configuration hadoop = Sources.hadoopConf(sparkSession, options);
    return new TfRecordPartitionReaderFactory(parsed, options.asCaseSensitiveMap(),
        Sources.classic(sparkSession).sparkContext().broadcast(new SerializableConfiguration(hadoop),
            scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class)),
        readDataSchema, readPartitionSchema);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return TfRecordMetrics.all();
  }

  @Override
  public scala.collection.immutable.Map<String, String> getMetaData() {
    return FileScan.super.getMetaData().$plus(new scala.Tuple2<>("RecordType", parsed.recordType().optionValue()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TfRecordScan other && FileScan.super.equals(o) && options.equals(other.options);
  }

  @Override
  public int hashCode() {
    return FileScan.super.hashCode();
  }

  @Override
  public String toString() {
    return description();
  }

  // ---- FileScan's abstract members ----

  @Override
  public SparkSession sparkSession() {
    return sparkSession;
  }

  @Override
  public PartitioningAwareFileIndex fileIndex() {
    return fileIndex;
  }

  @Override
  public StructType dataSchema() {
    return dataSchema;
  }

  @Override
  public StructType readDataSchema() {
    return readDataSchema;
  }

  @Override
  public StructType readPartitionSchema() {
    return readPartitionSchema;
  }

  @Override
  public Seq<Expression> partitionFilters() {
    return partitionFilters;
  }

  @Override
  public Seq<Expression> dataFilters() {
    return dataFilters;
  }

  // ---- fields of Scala traits (FileScan's vals, Logging's logger) ----

  @Override
  public int maxMetadataValueLength() {
    return maxMetadataValueLength;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileScan$_setter_$maxMetadataValueLength_$eq(int v) {
    this.maxMetadataValueLength = v;
  }

  @Override
  public boolean org$apache$spark$sql$execution$datasources$v2$FileScan$$isCaseSensitive() {
    return caseSensitive;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileScan$_setter_$org$apache$spark$sql$execution$datasources$v2$FileScan$$isCaseSensitive_$eq(
      boolean v) {
    this.caseSensitive = v;
  }

  @Override
  public Logger org$apache$spark$internal$Logging$$log_() {
    return log;
  }

  @Override
  public void org$apache$spark$internal$Logging$$log__$eq(Logger l) {
    this.log = l;
  }
}
