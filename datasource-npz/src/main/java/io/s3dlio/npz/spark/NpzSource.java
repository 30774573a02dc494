package io.s3dlio.npz.spark;

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
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code spark.read.format("npz")} and {@code df.write.format("npz")}.
 *
 * <p>Reads go through DSv2 ({@link NpzTable}). Writes go through {@link CreatableRelationProvider}
 * so that every {@link SaveMode} works on a path (Spark's DSv2 path writes accept only append and
 * overwrite); {@link NpzWriteJob} does the job with its own staging and commit.
 */
public class NpzSource implements TableProvider, DataSourceRegister, CreatableRelationProvider {

  /** The file format: "npz" or "npy" (also the file extension). */
  protected String format() {
    return "npz";
  }

  @Override
  public String shortName() {
    return format();
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return NpzSchemas.infer(new ReadConf(format(), options));
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new NpzTable(format(), schema, new CaseInsensitiveStringMap(properties));
  }

  @Override
  public BaseRelation createRelation(SQLContext sqlContext, SaveMode mode,
      scala.collection.immutable.Map<String, String> parameters, Dataset<Row> data) {
    Map<String, String> options = CollectionConverters.asJava(parameters);
    WriteConf conf = new WriteConf(format(), new CaseInsensitiveStringMap(options), data.sparkSession());
    new NpzWriteJob(conf, data).run(mode);
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
