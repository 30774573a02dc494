package io.s3dlio.npz.spark;

import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.v2.FileWrite;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Function1;
import scala.collection.immutable.Map;
import scala.collection.immutable.Seq;

/**
 * The DSv2 write of a {@link NpzTable} ({@link FileWrite}: Spark's commit protocol, same writer
 * factory as the V1 path). Spark 4.2 sends {@code DataFrameWriter.save} of file sources to the V1
 * {@link NpzFileFormat}; this is the table's write for the DSv2 paths that reach it.
 */
final class NpzWrite implements FileWrite {
  private final Seq<String> paths;
  private final String formatName;
  private final String format;
  private final LogicalWriteInfo info;
  private StructType schema;
  private String queryId;
  private CaseInsensitiveStringMap options;

  NpzWrite(Seq<String> paths, String formatName, String format, LogicalWriteInfo info) {
    this.paths = paths;
    this.formatName = formatName;
    this.format = format;
    this.info = info;
    FileWrite.$init$(this);
  }

  @Override
  public Seq<String> paths() {
    return paths;
  }

  @Override
  public String formatName() {
    return formatName;
  }

  @Override
  public Function1<DataType, Object> supportsDataType() {
    return NpzSchemas::supported;
  }

  @Override
  public LogicalWriteInfo info() {
    return info;
  }

  @Override
  public OutputWriterFactory prepareWrite(SQLConf sqlConf, Job job, Map<String, String> options,
      StructType dataSchema) {
    return NpzFileFormat.writerFactory(SparkSession.active(), format, Scala.javaMap(options), dataSchema);
  }

  // ---- the trait's fields ----

  @Override
  public StructType org$apache$spark$sql$execution$datasources$v2$FileWrite$$schema() {
    return schema;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileWrite$_setter_$org$apache$spark$sql$execution$datasources$v2$FileWrite$$schema_$eq(
      StructType s) {
    this.schema = s;
  }

  @Override
  public String org$apache$spark$sql$execution$datasources$v2$FileWrite$$queryId() {
    return queryId;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileWrite$_setter_$org$apache$spark$sql$execution$datasources$v2$FileWrite$$queryId_$eq(
      String q) {
    this.queryId = q;
  }

  @Override
  public CaseInsensitiveStringMap options() {
    return options;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileWrite$_setter_$options_$eq(
      CaseInsensitiveStringMap o) {
    this.options = o;
  }
}
