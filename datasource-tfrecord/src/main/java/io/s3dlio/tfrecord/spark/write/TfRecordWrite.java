package io.s3dlio.tfrecord.spark.write;

import io.s3dlio.tfrecord.spark.TfRecordOptions;
import org.apache.hadoop.mapreduce.Job;
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
import scala.jdk.javaapi.CollectionConverters;

/**
 * The DSv2 write of a TFRecord table (Spark's {@link FileWrite}: its batch write sets up Spark's
 * commit protocol and writes through the same {@link TfRecordOutputWriterFactory} as the V1
 * path). DataFrameWriter and SQL INSERT go through the V1 {@code TfRecordFileFormat} instead, as
 * they do for every FileDataSourceV2 in Spark 4.
 */
public final class TfRecordWrite implements FileWrite {
  private final Seq<String> paths;
  private final String formatName;
  private final LogicalWriteInfo info;
  // Fields of FileWrite's vals, set by FileWrite.$init$.
  private StructType schema;
  private String queryId;
  private CaseInsensitiveStringMap options;

  public TfRecordWrite(Seq<String> paths, String formatName, LogicalWriteInfo info) {
    this.paths = paths;
    this.formatName = formatName;
    this.info = info;
    FileWrite.$init$(this);
  }

  @Override
  public OutputWriterFactory prepareWrite(SQLConf sqlConf, Job job, Map<String, String> options,
      StructType dataSchema) {
    return TfRecordOutputWriterFactory.create(TfRecordOptions.parse(CollectionConverters.asJava(options)), dataSchema);
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
    return dataType -> Boolean.TRUE;
  }

  @Override
  public LogicalWriteInfo info() {
    return info;
  }

  @Override
  public StructType org$apache$spark$sql$execution$datasources$v2$FileWrite$$schema() {
    return schema;
  }

  @Override
  public String org$apache$spark$sql$execution$datasources$v2$FileWrite$$queryId() {
    return queryId;
  }

  @Override
  public CaseInsensitiveStringMap options() {
    return options;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileWrite$_setter_$org$apache$spark$sql$execution$datasources$v2$FileWrite$$schema_$eq(
      StructType v) {
    this.schema = v;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileWrite$_setter_$org$apache$spark$sql$execution$datasources$v2$FileWrite$$queryId_$eq(
      String v) {
    this.queryId = v;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileWrite$_setter_$options_$eq(
      CaseInsensitiveStringMap v) {
    this.options = v;
  }
}
