package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.spark.source.TfRecordTable;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.v2.FileDataSourceV2;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * The {@code tfrecord} data source: {@code spark.read.format("tfrecord").load(path)} and
 * {@code df.write.format("tfrecord").save(path)}. Built as Spark's own file sources are
 * ({@code AvroDataSourceV2}, {@code CSVDataSourceV2}): a {@link FileDataSourceV2} whose reads are
 * a {@link TfRecordTable}, with {@link TfRecordFileFormat} as the V1 fallback Spark uses for
 * writes and catalog tables.
 */
public final class TfRecordDataSource implements FileDataSourceV2 {
  public static final String SHORT_NAME = "tfrecord";

  /** FileDataSourceV2's cached table (a Scala trait field). */
  private Table table;

  public TfRecordDataSource() {
    FileDataSourceV2.$init$(this);
  }

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public Class<? extends FileFormat> fallbackFileFormat() {
    return TfRecordFileFormat.class;
  }

  @Override
  public Table getTable(CaseInsensitiveStringMap options) {
    return table(options, Option.empty());
  }

  @Override
  public Table getTable(CaseInsensitiveStringMap options, StructType schema) {
    return table(options, Option.apply(schema));
  }

  private Table table(CaseInsensitiveStringMap options, Option<StructType> schema) {
    Seq<String> paths = getPaths(options);
    return new TfRecordTable(getTableName(options, paths), sparkSession(), getOptionsWithoutPaths(options), paths,
        schema);
  }

  @Override
  public Table org$apache$spark$sql$execution$datasources$v2$FileDataSourceV2$$t() {
    return table;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileDataSourceV2$$t_$eq(Table t) {
    this.table = t;
  }
}
