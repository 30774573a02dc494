package io.s3dlio.npz.spark;

import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.execution.datasources.FileFormat;
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
  private final String name;
  private final SparkSession session;
  private final CaseInsensitiveStringMap options;
  private final Seq<String> paths;
  private final NpzOptions parsed;
  private final Class<? extends FileFormat> fallback;

  NpzTable(String name, SparkSession session, CaseInsensitiveStringMap options, Seq<String> paths,
      Option<StructType> userSchema, NpzOptions parsed, Class<? extends FileFormat> fallback) {
    super(session, options, paths, userSchema);
    this.name = name;
    this.session = session;
    this.options = options;
    this.paths = paths;
    this.parsed = parsed;
    this.fallback = fallback;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Option<StructType> inferSchema(Seq<FileStatus> files) {
    List<FileStatus> listed = Scala.list(files);
    List<FileStatus> read = NpzPathFilter.listsOnlyRead(parsed, options) ? listed : parsed.read(listed);
    return Option.apply(NpzSchemas.infer(parsed, read,
        session.sessionState().newHadoopConfWithOptions(Scala.map(options.asCaseSensitiveMap()))).orElse(null));
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
