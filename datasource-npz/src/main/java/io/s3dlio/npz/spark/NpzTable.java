package io.s3dlio.npz.spark;

import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.execution.datasources.DataSource$;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.InMemoryFileIndex;
import org.apache.spark.sql.execution.datasources.NoopCache$;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.streaming.runtime.MetadataLogFileIndex;
import org.apache.spark.sql.execution.streaming.sinks.FileStreamSink$;
import org.apache.spark.sql.execution.datasources.v2.FileTable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * Files of one format under some paths, as a table: Spark's {@link FileTable} lists them once
 * (globs, {@code key=value} partition folders, {@code pathGlobFilter}, {@code recursiveFileLookup},
 * {@code modifiedBefore/After}); of those, the files this source reads ({@link NpzOptions#reads})
 * are the table's, and the schema comes from the first ({@link NpzSchemas}).
 */
final class NpzTable extends FileTable {
  private final String shortName;
  private final SparkSession session;
  /** The read's options as given, paths included: what Spark names a file table with. */
  private final CaseInsensitiveStringMap given;
  private final CaseInsensitiveStringMap options;
  private final Seq<String> paths;
  private final NpzOptions parsed;
  private final Class<? extends FileFormat> fallback;
  private volatile String name;
  private final Option<StructType> userSchema;
  private PartitioningAwareFileIndex index;

  /**
   * {@code given}: the read's options as given ({@link #name}); {@code options}: those the file
   * index and the scan use (without the paths, with the default file filter).
   */
  NpzTable(String shortName, SparkSession session, CaseInsensitiveStringMap given, CaseInsensitiveStringMap options,
      Seq<String> paths, Option<StructType> userSchema, NpzOptions parsed, Class<? extends FileFormat> fallback) {
    super(session, options, paths, userSchema);
    this.userSchema = userSchema;
    this.shortName = shortName;
    this.session = session;
    this.given = given;
    this.options = options;
    this.paths = paths;
    this.parsed = parsed;
    this.fallback = fallback;
  }

  /**
   * Spark's file index of this read, made as {@code FileTable.fileIndex} makes it (a streaming
   * sink's output through its metadata log, else the paths, globbed unless the read says not to,
   * listed by {@link InMemoryFileIndex}), but without the session's shared {@code FileStatusCache}.
   * {@code FileTable} gives every index a new client id of that cache, so a path-based read's
   * entries are never asked for again (a refresh drops them first), and they stay until the cache's
   * weight limit ({@code spark.sql.hive.filesourcePartitionFileCacheSize}, 250 MB) evicts them:
   * 20,000 statuses per load of a folder of 20,000 files, whose collection cost the 20,000-file
   * queries of the bench ~10 % (docs/npz.md, "Session 8").
   */
  @Override
  public synchronized PartitioningAwareFileIndex fileIndex() {
    if (index == null) {
      scala.collection.immutable.Map<String, String> map = Scala.map(options.asCaseSensitiveMap());
      Configuration c = session.sessionState().newHadoopConfWithOptions(map);
      if (FileStreamSink$.MODULE$.hasMetadata(paths, c, session.sessionState().conf())) {
        index = new MetadataLogFileIndex(session, new Path(paths.head()), map, userSchema);
      } else {
        String glob = options.get(DataSource$.MODULE$.GLOB_PATHS_KEY());
        Seq<Path> roots = DataSource$.MODULE$.checkAndGlobPathIfNecessary(paths, c, true, true,
            DataSource$.MODULE$.checkAndGlobPathIfNecessary$default$5(), glob == null || glob.equals("true"));
        index = new InMemoryFileIndex(session, roots, map, userSchema, NoopCache$.MODULE$, Option.empty(),
            Option.empty());
      }
    }
    return index;
  }

  /**
   * The name Spark's {@code FileDataSourceV2.getTableName} gives the table (the format, then the
   * qualified paths), made when first asked: loading a read does not ask for it, and by a query's
   * run the file index's Hadoop configuration is there to qualify the paths with, where
   * {@code getTableName} would copy the session's for that alone. Asked earlier, it is made with
   * such a copy, with the options as given, as {@code getTableName} does.
   */
  @Override
  public String name() {
    String n = name;
    if (n == null) {
      // The file index's Hadoop configuration once there (a copy of the session's costs about a thousand keys).
      PartitioningAwareFileIndex made;
      synchronized (this) {
        made = index;
      }
      n = NpzDataSourceV2.tableName(session, shortName, paths, made != null ? made.hadoopConf()
          : session.sessionState().newHadoopConfWithOptions(Scala.map(given.asCaseSensitiveMap())));
      name = n;
    }
    return n;
  }

  /**
   * The schema of the first file read, opened with the file index's Hadoop configuration: the
   * session's with this read's options, as Spark's index made it from the same options (no copy
   * of its own).
   */
  @Override
  public Option<StructType> inferSchema(Seq<FileStatus> files) {
    List<FileStatus> listed = Scala.list(files);
    List<FileStatus> read = NpzPathFilter.listsOnlyRead(parsed, options) ? listed : parsed.read(listed);
    return Option.apply(NpzSchemas.infer(parsed, read, fileIndex().hadoopConf()).orElse(null));
  }

  @Override
  public boolean supportsDataType(DataType type) {
    return NpzSchemas.supported(type);
  }

  @Override
  public String formatName() {
    return parsed.format().toUpperCase(Locale.ROOT);
  }

  @Override
  public Class<? extends FileFormat> fallbackFileFormat() {
    return fallback;
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    CaseInsensitiveStringMap merged = mergedOptions(scanOptions);
    return new NpzScanBuilder(session, fileIndex(), dataSchema(), merged,
        NpzOptions.parse(parsed.format(), merged.asCaseSensitiveMap()));
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    LogicalWriteInfo merged = mergedWriteInfo(info);
    return new WriteBuilder() {
      @Override
      public Write build() {
        return new NpzWrite(paths, formatName(), parsed.format(), merged);
      }
    };
  }
}
