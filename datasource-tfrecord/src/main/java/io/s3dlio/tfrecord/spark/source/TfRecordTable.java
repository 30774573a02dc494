package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordFileFormat;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.write.TfRecordWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.v2.FileTable;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * TFRecord files under one or more paths: Spark's {@link FileTable}, whose file index lists the
 * paths once (globs, {@code key=value} partition folders, hidden files skipped, and Spark's
 * {@code pathGlobFilter}, {@code recursiveFileLookup}, {@code modifiedBefore/After} options).
 * Options are validated when the table is made.
 */
public final class TfRecordTable extends FileTable {
  private final String name;
  private final SparkSession sparkSession;
  private final CaseInsensitiveStringMap options;
  private final Seq<String> paths;
  private final TfRecordOptions parsed;

  public TfRecordTable(String name, SparkSession sparkSession, CaseInsensitiveStringMap options, Seq<String> paths,
      Option<StructType> userSpecifiedSchema) {
    super(sparkSession, options, paths, userSpecifiedSchema);
    this.name = name;
    this.sparkSession = sparkSession;
    this.options = options;
    this.paths = paths;
    this.parsed = TfRecordOptions.parse(options.asCaseSensitiveMap());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String formatName() {
    return "TFRecord";
  }

  @Override
  public Class<? extends FileFormat> fallbackFileFormat() {
    return TfRecordFileFormat.class;
  }

  @Override
  public Option<StructType> inferSchema(Seq<FileStatus> files) {
    try {
      return Option.apply(SchemaSampler.infer(Sources.hadoopConf(sparkSession, options),
          CollectionConverters.asJava(files), parsed));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    CaseInsensitiveStringMap merged = mergedOptions(scanOptions);
    return new TfRecordScanBuilder(sparkSession, fileIndex(), dataSchema(), merged,
        TfRecordOptions.parse(merged.asCaseSensitiveMap()));
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    LogicalWriteInfo merged = mergedWriteInfo(info);
    return new WriteBuilder() {
      @Override
      public Write build() {
        return new TfRecordWrite(paths, formatName(), merged);
      }
    };
  }
}
