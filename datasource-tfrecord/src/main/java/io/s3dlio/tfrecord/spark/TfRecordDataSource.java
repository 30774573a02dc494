package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.spark.source.TfRecordSources;
import io.s3dlio.tfrecord.spark.source.TfRecordTable;
import io.s3dlio.tfrecord.spark.source.TfRecordWriteJob;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code tfrecord} data source: {@code spark.read.format("tfrecord").load(path)} and
 * {@code df.write.format("tfrecord").save(path)}. Reads are DSv2 (see {@link TfRecordTable});
 * {@code DataFrameWriter} writes go through {@link CreatableRelationProvider}, so that every
 * SaveMode works (Spark offers only Append and Overwrite to a DSv2 TableProvider).
 */
public final class TfRecordDataSource implements TableProvider, DataSourceRegister, CreatableRelationProvider {
  public static final String SHORT_NAME = "tfrecord";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return TfRecordSources.inferSchema(options.asCaseSensitiveMap());
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new TfRecordTable(TfRecordSources.paths(properties), schema, properties);
  }

  @Override
  public BaseRelation createRelation(SQLContext sqlContext, SaveMode mode,
      scala.collection.immutable.Map<String, String> parameters, Dataset<Row> data) {
    Map<String, String> options = new HashMap<>(scala.jdk.javaapi.CollectionConverters.asJava(parameters));
    List<String> paths = TfRecordSources.paths(options);
    if (paths.size() != 1) {
      throw new IllegalArgumentException("Cannot write TFRecord: expected one path, got " + paths);
    }
    List<String> partitionColumns = TfRecordSources.partitionColumns(options);
    TfRecordWriteJob.write(data, paths.get(0), mode, options, partitionColumns);
    StructType schema = data.schema();
    return new BaseRelation() {
      @Override
      public SQLContext sqlContext() {
        return sqlContext;
      }

      @Override
      public StructType schema() {
        return schema;
      }
    };
  }
}
