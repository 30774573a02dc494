package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.internal.Logging;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FileSourceOptions;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.SQLConfHelper;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
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
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import scala.collection.immutable.Seq;

/**
 * Plans the read on Spark's {@link FileScan}: the files left after partition pruning, split and
 * packed into partitions by Spark's own rules ({@code maxPartitionBytes} / {@code openCostInBytes};
 * {@link NpzOptions#MAX_PARTITION_BYTES} overrides the first for this read). A scan that opens no
 * file ({@code count()} in the file layout) has one partition per core.
 *
 * <p>Splits: a file-layout file is one row, never split. In the sample layout a file larger than a
 * split whose arrays are all stored in C order is split into byte ranges, which the reader maps to
 * row ranges ({@link SampleLayoutReader#rowRange}); its headers are read here, on the driver, to
 * decide (deflated or Fortran-order files stay whole).
 *
 * <p>Written in Java against Spark's Scala trait: the trait's fields are the {@code _setter_}
 * methods and {@code $init$} call below, and {@code equals}/{@code hashCode} are forwarded to the
 * trait explicitly (a Java class would otherwise take Object's).
 */
final class NpzScan implements FileScan {
  private final SparkSession sparkSession;
  private final PartitioningAwareFileIndex fileIndex;
  private final StructType dataSchema;
  private final StructType readDataSchema;
  private final StructType readPartitionSchema;
  private final CaseInsensitiveStringMap options;
  private final NpzOptions parsed;
  private final Seq<Expression> partitionFilters;
  private final Seq<Expression> dataFilters;
  private final ReadSpec spec;
  private int maxMetadataValueLength;
  private boolean caseSensitive;
  private transient Logger log;
  private Configuration hadoopConf;
  private long filesPlanned = -1;
  private long partitionsPlanned = -1;
  private long filesOpenedToPlan = -1;

  NpzScan(SparkSession sparkSession, PartitioningAwareFileIndex fileIndex, StructType dataSchema,
      StructType readDataSchema, StructType readPartitionSchema, CaseInsensitiveStringMap options,
      NpzOptions parsed, Seq<Expression> partitionFilters, Seq<Expression> dataFilters) {
    this.sparkSession = sparkSession;
    this.fileIndex = fileIndex;
    this.dataSchema = dataSchema;
    this.readDataSchema = readDataSchema;
    this.readPartitionSchema = readPartitionSchema;
    this.options = options;
    this.parsed = parsed;
    this.partitionFilters = partitionFilters;
    this.dataFilters = dataFilters;
    this.spec = NpzSchemas.readSpec(parsed, dataSchema, readDataSchema);
    Logging.$init$(this);
    SQLConfHelper.$init$(this);
    FileScan.$init$(this);
  }

  // ---- what the read is ----

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

  @Override
  public scala.collection.immutable.Map<String, String> getMetaData() {
    return FileScan.super.getMetaData().updated("Layout", parsed.layout().name().toLowerCase(Locale.ROOT));
  }

  // ---- planning ----

  @Override
  public boolean isSplitable(Path path) {
    return parsed.layout() == Layout.SAMPLE;
  }

  @Override
  public Seq<FilePartition> partitions() {
    Seq<PartitionDirectory> selected = fileIndex.listFiles(partitionFilters, dataFilters);
    long maxSplit = maxSplitBytes(selected);
    UnaryOperator<InternalRow> project = partitionProjection();
    List<PartitionedFile> splits = new ArrayList<>();
    long files = 0;
    long opened = 0;
    for (PartitionDirectory dir : Scala.list(selected)) {
      InternalRow values = project.apply(dir.values());
      List<PartitionedFile> inDir = new ArrayList<>();
      for (FileStatusWithMetadata f : Scala.list(dir.files())) {
        files++;
        boolean split = false;
        if (parsed.layout() == Layout.SAMPLE && f.getLen() > maxSplit) {
          opened++;
          split = rowSplittable(f.getPath(), f.getLen());
        }
        inDir.addAll(Scala.list(PartitionedFileUtil$.MODULE$.splitFiles(f, f.getPath(), split, maxSplit, values)));
      }
      inDir.sort(Comparator.comparingLong(PartitionedFile::length).reversed());
      splits.addAll(inDir);
    }
    Seq<FilePartition> parts = spec.needsFile()
        ? FilePartition$.MODULE$.getFilePartitions(sparkSession, Scala.seq(splits), maxSplit)
        : perCore(splits);
    filesPlanned = files;
    filesOpenedToPlan = opened;
    partitionsPlanned = parts.size();
    return parts;
  }

  /**
   * A scan that opens no file (file layout, only path and partition columns, as {@code count()}):
   * Spark's open cost per file does not apply, so the files are shared out in order, one partition
   * per core.
   */
  private Seq<FilePartition> perCore(List<PartitionedFile> files) {
    int n = Math.min(files.size(), Math.max(1, leafNodeDefaultParallelism()));
    List<FilePartition> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<PartitionedFile> part = files.subList((int) ((long) files.size() * i / n),
          (int) ((long) files.size() * (i + 1) / n));
      out.add(new FilePartition(i, part.toArray(new PartitionedFile[0])));
    }
    return Scala.seq(out);
  }

  /** Spark's {@code FilePartition.maxSplitBytes}, with this read's {@code maxPartitionBytes} when given. */
  private long maxSplitBytes(Seq<PartitionDirectory> selected) {
    if (parsed.maxPartitionBytes().isEmpty()) {
      return FilePartition$.MODULE$.maxSplitBytes(sparkSession, selected);
    }
    SQLConf conf = sparkSession.sessionState().conf();
    long openCost = conf.filesOpenCostInBytes();
    int minPartitions = conf.filesMinPartitionNum().isDefined()
        ? (Integer) conf.filesMinPartitionNum().get() : leafNodeDefaultParallelism();
    long total = 0;
    for (PartitionDirectory dir : Scala.list(selected)) {
      for (FileStatusWithMetadata f : Scala.list(dir.files())) {
        total += f.getLen() + openCost;
      }
    }
    return Math.min(parsed.maxPartitionBytes().get(), Math.max(openCost, total / Math.max(1, minPartitions)));
  }

  /** As {@code SparkSession.leafNodeDefaultParallelism}. */
  private int leafNodeDefaultParallelism() {
    scala.Option<String> set = sparkSession.conf().getOption("spark.sql.leafNodeDefaultParallelism");
    return set.isDefined() ? Integer.parseInt(set.get().trim()) : sparkSession.sparkContext().defaultParallelism();
  }

  /** Partition values of a folder, in the order of the read's (pruned) partition schema. */
  private UnaryOperator<InternalRow> partitionProjection() {
    StructType all = fileIndex.partitionSchema();
    if (readPartitionSchema.equals(all)) {
      return v -> v;
    }
    List<Expression> refs = new ArrayList<>();
    for (StructField f : readPartitionSchema.fields()) {
      int at = -1;
      StructField[] fields = all.fields();
      for (int i = 0; i < fields.length && at < 0; i++) {
        if (caseSensitive ? fields[i].name().equals(f.name()) : fields[i].name().equalsIgnoreCase(f.name())) {
          at = i;
        }
      }
      if (at < 0) {
        throw new IllegalStateException("Cannot find partition column " + f.name() + " in " + all.simpleString());
      }
      refs.add(new BoundReference(at, fields[at].dataType(), fields[at].nullable()));
    }
    UnsafeProjection p = UnsafeProjection$.MODULE$.create(Scala.seq(refs));
    return v -> p.apply(v).copy();
  }

  /** Whether every array of a sample-layout file can be read by row ranges (stored, C order). */
  private boolean rowSplittable(Path path, long length) {
    try (HadoopRangeSource src = HadoopRangeSource.open(path, length, hadoopConf())) {
      ArrayFile file = ReadSpec.open(parsed.format(), src);
      for (String a : spec.allArrays()) {
        if (!file.arrayNames().contains(a) || !file.canReadRows(a)) {
          return false;
        }
      }
      return !spec.allArrays().isEmpty();
    } catch (IOException | RuntimeException e) {
      return false; // read whole; the task reports what is wrong with the file
    }
  }

  private Configuration hadoopConf() {
    if (hadoopConf == null) {
      hadoopConf = sparkSession.sessionState().newHadoopConfWithOptions(Scala.map(options.asCaseSensitiveMap()));
    }
    return hadoopConf;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    var conf = JavaSparkContext.fromSparkContext(sparkSession.sparkContext())
        .broadcast(new SerializableConfiguration(hadoopConf()));
    return new NpzPartitionReaderFactory(conf, spec, readDataSchema, readPartitionSchema,
        new FileSourceOptions(Scala.map(options.asCaseSensitiveMap())));
  }

  // ---- metrics ----

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return NpzMetrics.all();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    if (partitionsPlanned < 0) {
      return new CustomTaskMetric[0];
    }
    return new CustomTaskMetric[] {
        NpzMetrics.value(NpzMetrics.FILES_PLANNED, filesPlanned),
        NpzMetrics.value(NpzMetrics.PARTITIONS_PLANNED, partitionsPlanned),
        NpzMetrics.value(NpzMetrics.FILES_OPENED_TO_PLAN, filesOpenedToPlan)};
  }

  // ---- the trait's state and identity ----

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

  @Override
  public boolean equals(Object o) {
    return o instanceof NpzScan s && FileScan.super.equals(o) && options.equals(s.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(FileScan.super.hashCode(), parsed.layout());
  }
}
