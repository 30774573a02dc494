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
import org.apache.spark.sql.execution.WholeStageCodegenExec$;
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
import org.slf4j.Logger;
import scala.collection.immutable.Seq;

/**
 * Plans the read on Spark's {@link FileScan}: the files left after partition pruning, split and
 * packed into partitions by Spark's own rules ({@code maxPartitionBytes} / {@code openCostInBytes};
 * {@link NpzOptions#MAX_PARTITION_BYTES} and {@link NpzOptions#OPEN_COST_IN_BYTES} override them
 * for this read). The open cost of a local file is {@link NpzOptions#LOCAL_OPEN_COST_DEFAULT}
 * unless the session or the read sets one: Spark's default (4 MiB) is the cost of opening a file on
 * HDFS or an object store, and on a local disk it packed 20,000 files of 4 KiB into 625 tasks,
 * whose per-task cost then outweighed the read (docs/npz.md). A scan that opens no file
 * ({@code count()} in the file layout) has one partition per core. The partitions travel to their
 * tasks in a compact form ({@link CompactFilePartition}).
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
    long openCost = openCostInBytes();
    UnaryOperator<InternalRow> project = partitionProjection();
    // The files read, per folder, and their bytes, in one pass (20,000 files: each name tested once).
    boolean allRead = NpzPathFilter.listsOnlyRead(parsed, options);
    List<PartitionDirectory> dirs = Scala.list(selected);
    List<List<FileStatusWithMetadata>> read = new ArrayList<>(dirs.size());
    long files = 0;
    long bytes = 0;
    for (PartitionDirectory dir : dirs) {
      List<FileStatusWithMetadata> inDir = Scala.list(dir.files());
      if (!allRead) {
        inDir = inDir.stream().filter(f -> parsed.reads(f.getPath().getName())).toList();
      }
      for (FileStatusWithMetadata f : inDir) {
        bytes += f.getLen();
      }
      files += inDir.size();
      read.add(inDir);
    }
    long maxSplit = maxSplitBytes(bytes + files * openCost, openCost);
    List<PartitionedFile> splits = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, files));
    long opened = 0;
    for (int d = 0; d < dirs.size(); d++) {
      InternalRow values = project.apply(dirs.get(d).values());
      List<PartitionedFile> inDir = new ArrayList<>(read.get(d).size());
      for (FileStatusWithMetadata f : read.get(d)) {
        boolean split = false;
        if (parsed.layout() == Layout.SAMPLE && f.getLen() > maxSplit) {
          opened++;
          split = rowSplittable(f.getPath(), f.getLen());
        }
        if (split) {
          inDir.addAll(Scala.list(PartitionedFileUtil$.MODULE$.splitFiles(f, f.getPath(), true, maxSplit, values)));
        } else { // what splitFiles makes of a file it may not split, without a Scala list per file
          inDir.add(PartitionedFileUtil$.MODULE$.getPartitionedFile(f, f.getPath(), values, 0, f.getLen()));
        }
      }
      inDir.sort(Comparator.comparingLong(PartitionedFile::length).reversed());
      splits.addAll(inDir);
    }
    List<FilePartition> parts = !spec.needsFile() ? perCore(splits)
        : openCost == sqlConf().filesOpenCostInBytes()
            ? Scala.list(FilePartition$.MODULE$.getFilePartitions(sparkSession, Scala.seq(splits), maxSplit))
            : pack(splits, maxSplit, openCost);
    filesPlanned = files;
    filesOpenedToPlan = opened;
    partitionsPlanned = parts.size();
    return Scala.seq(parts.stream().<FilePartition>map(CompactFilePartition::new).toList());
  }

  /**
   * A scan that opens no file (file layout, only path and partition columns, as {@code count()}):
   * Spark's open cost per file does not apply, so the files are shared out in order, one partition
   * per core.
   */
  private List<FilePartition> perCore(List<PartitionedFile> files) {
    int n = Math.min(files.size(), Math.max(1, leafNodeDefaultParallelism()));
    List<FilePartition> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<PartitionedFile> part = files.subList((int) ((long) files.size() * i / n),
          (int) ((long) files.size() * (i + 1) / n));
      out.add(new FilePartition(i, part.toArray(new PartitionedFile[0])));
    }
    return out;
  }

  /**
   * This read's open cost: {@link NpzOptions#OPEN_COST_IN_BYTES}; else the session's
   * {@code spark.sql.files.openCostInBytes} when it is set; else
   * {@link NpzOptions#LOCAL_OPEN_COST_DEFAULT} when every path read is on the local filesystem;
   * else Spark's default.
   */
  private long openCostInBytes() {
    if (parsed.openCostInBytes().isPresent()) {
      return parsed.openCostInBytes().get();
    }
    if (!sparkSession.conf().contains(OPEN_COST_KEY) && allLocal()) {
      return NpzOptions.LOCAL_OPEN_COST_DEFAULT;
    }
    return sqlConf().filesOpenCostInBytes();
  }

  private static final String OPEN_COST_KEY = "spark.sql.files.openCostInBytes";

  /** Whether every root path of the read is on the local filesystem ({@code file://}). */
  private boolean allLocal() {
    try {
      for (Path p : Scala.list(fileIndex.rootPaths())) {
        if (!"file".equals(p.getFileSystem(hadoopConf()).getUri().getScheme())) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false; // the read will report it
    }
  }

  private SQLConf sqlConf() {
    return sparkSession.sessionState().conf();
  }

  /**
   * Spark's {@code FilePartition.maxSplitBytes} with this read's open cost and
   * {@link NpzOptions#MAX_PARTITION_BYTES}: {@code min(maxPartitionBytes, max(openCost, bytes / minPartitions))},
   * {@code bytes} counting each file read ({@link NpzOptions#reads}) as its length plus the open cost.
   */
  private long maxSplitBytes(long bytes, long openCost) {
    SQLConf conf = sqlConf();
    int minPartitions = conf.filesMinPartitionNum().isDefined()
        ? (Integer) conf.filesMinPartitionNum().get() : leafNodeDefaultParallelism();
    long maxPartitionBytes = parsed.maxPartitionBytes().orElse(conf.filesMaxPartitionBytes());
    return Math.min(maxPartitionBytes, Math.max(openCost, bytes / Math.max(1, minPartitions)));
  }

  /**
   * Spark's {@code FilePartition.getFilePartitions} with this read's open cost (Spark's takes the
   * session's): splits in the given order (largest first) go into the current partition until the
   * next would take it past {@code maxSplit}, each counting its length plus the open cost; if that
   * makes more than {@code spark.sql.files.maxPartitionNum} partitions, they are packed again to
   * that many.
   */
  static List<FilePartition> pack(List<PartitionedFile> splits, long maxSplit, long openCost, Integer maxPartitions) {
    List<FilePartition> parts = packInto(splits, maxSplit, openCost);
    if (maxPartitions != null && parts.size() > maxPartitions) {
      long total = 0;
      for (PartitionedFile f : splits) {
        total += f.length() + openCost;
      }
      parts = packInto(splits, (total + maxPartitions - 1) / maxPartitions, openCost);
    }
    return parts;
  }

  private List<FilePartition> pack(List<PartitionedFile> splits, long maxSplit, long openCost) {
    scala.Option<Object> max = sqlConf().filesMaxPartitionNum();
    return pack(splits, maxSplit, openCost, max.isDefined() ? (Integer) max.get() : null);
  }

  private static List<FilePartition> packInto(List<PartitionedFile> splits, long maxSplit, long openCost) {
    List<FilePartition> parts = new ArrayList<>();
    List<PartitionedFile> current = new ArrayList<>();
    long size = 0;
    for (PartitionedFile f : splits) {
      if (!current.isEmpty() && size + f.length() > maxSplit) {
        parts.add(new FilePartition(parts.size(), current.toArray(new PartitionedFile[0])));
        current.clear();
        size = 0;
      }
      size += f.length() + openCost;
      current.add(f);
    }
    if (!current.isEmpty()) {
      parts.add(new FilePartition(parts.size(), current.toArray(new PartitionedFile[0])));
    }
    return parts;
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
    try (HadoopRangeSource src = HadoopRangeSource.open(path.getFileSystem(hadoopConf()), path, length)) {
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

  /**
   * The tasks' reader factory, with the read's Hadoop configuration as a broadcast
   * ({@link ConfBroadcasts}: one per distinct configuration, not one per scan); a scan that opens
   * no file ({@link ReadSpec#needsFile}) ships none.
   */
  @Override
  public PartitionReaderFactory createReaderFactory() {
    var conf = spec.needsFile() ? ConfBroadcasts.of(sparkSession.sparkContext(), hadoopConf()) : null;
    return new NpzPartitionReaderFactory(conf, spec, readDataSchema, readPartitionSchema,
        new FileSourceOptions(Scala.map(options.asCaseSensitiveMap())), vectorized());
  }

  /**
   * Whether the tasks read column batches ({@link SampleBatchReader}) rather than rows: a
   * sample-layout read whose data columns are all the path, the index or fixed-size values
   * ({@link SampleVectors#holds}), with whole-stage code generation on and not too many fields for
   * it (Spark's rule for its own Parquet batches; without code generation Spark turns batches back
   * into rows one by one).
   */
  private boolean vectorized() {
    if (spec.layout() != Layout.SAMPLE) {
      return false;
    }
    for (ColumnSpec c : spec.columns()) {
      if (c.kind() == ColumnSpec.Kind.VALUES ? !SampleVectors.holds(c.element())
          : c.kind() != ColumnSpec.Kind.PATH && c.kind() != ColumnSpec.Kind.INDEX) {
        return false;
      }
    }
    SQLConf sql = sparkSession.sessionState().conf();
    return sql.wholeStageEnabled() && !WholeStageCodegenExec$.MODULE$.isTooManyFields(sql, readSchema());
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
