package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.spark.source.FileSplits;
import io.s3dlio.tfrecord.spark.source.SchemaSampler;
import io.s3dlio.tfrecord.spark.source.Sources;
import io.s3dlio.tfrecord.spark.source.V1ReadFunction;
import io.s3dlio.tfrecord.spark.write.TfRecordOutputWriterFactory;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Function1;
import scala.Option;
import scala.collection.Iterator;
import scala.collection.immutable.Map;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The V1 {@link FileFormat} of the {@code tfrecord} source, the fallback of
 * {@link TfRecordDataSource} (as Spark's {@code AvroFileFormat} is for its V2 source). Spark
 * writes every {@code DataFrameWriter.save} and SQL {@code INSERT} of a file source through it
 * ({@code InsertIntoHadoopFsRelationCommand}: SaveModes, {@code partitionBy}, dynamic partition
 * overwrite, {@code maxRecordsPerFile}, and the commit protocol of
 * {@code spark.sql.sources.commitProtocolClass} with its committer), and reads catalog tables
 * ({@code CREATE TABLE ... USING tfrecord}) through it.
 */
public final class TfRecordFileFormat implements FileFormat, DataSourceRegister, Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public String shortName() {
    return TfRecordDataSource.SHORT_NAME;
  }

  @Override
  public String toString() {
    return "TFRecord";
  }

  @Override
  public Option<StructType> inferSchema(SparkSession spark, Map<String, String> options, Seq<FileStatus> files) {
    java.util.Map<String, String> o = CollectionConverters.asJava(options);
    try {
      return Option.apply(SchemaSampler.infer(Sources.hadoopConf(spark, o), CollectionConverters.asJava(files),
          TfRecordOptions.parse(o)));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Override
  public OutputWriterFactory prepareWrite(SparkSession spark, Job job, Map<String, String> options,
      StructType dataSchema) {
    return TfRecordOutputWriterFactory.create(TfRecordOptions.parse(CollectionConverters.asJava(options)),
        dataSchema);
  }

  @Override
  public boolean isSplitable(SparkSession spark, Map<String, String> options, Path path) {
    return FileSplits.unsplittableReason(TfRecordOptions.parse(CollectionConverters.asJava(options)), path) == null;
  }

  @Override
  public Function1<PartitionedFile, Iterator<InternalRow>> buildReader(SparkSession spark, StructType dataSchema,
      StructType partitionSchema, StructType requiredSchema, Seq<Filter> filters, Map<String, String> options,
      Configuration hadoopConf) {
    return new V1ReadFunction(TfRecordOptions.parse(CollectionConverters.asJava(options)),
        Sources.classic(spark).sparkContext().broadcast(new SerializableConfiguration(hadoopConf),
            scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class)),
        requiredSchema);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TfRecordFileFormat;
  }

  @Override
  public int hashCode() {
    return TfRecordFileFormat.class.hashCode();
  }
}
