package io.s3dlio.tfrecord.spark.source;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.jdk.javaapi.CollectionConverters;

/** Small bridges to Spark's session internals that the source's driver-side classes share. */
public final class Sources {
  private Sources() {
  }

  /** The session implementation (Spark 4 splits the API class from the classic one). */
  public static org.apache.spark.sql.classic.SparkSession classic(SparkSession spark) {
    return (org.apache.spark.sql.classic.SparkSession) spark;
  }

  /**
   * The Hadoop configuration Spark gives a file source for these options: the SparkContext's
   * ({@code spark.hadoop.*}), then the session's SQL conf ({@code spark.conf.set}), then the
   * options themselves.
   */
  public static Configuration hadoopConf(SparkSession spark, Map<String, String> options) {
    return classic(spark).sessionState().newHadoopConfWithOptions(
        scala.collection.immutable.Map.from(CollectionConverters.asScala(options)));
  }

  /** As {@link #hadoopConf(SparkSession, Map)}, keeping the options' case (Hadoop keys are case-sensitive). */
  public static Configuration hadoopConf(SparkSession spark, CaseInsensitiveStringMap options) {
    return hadoopConf(spark, options.asCaseSensitiveMap());
  }

  /** The position of a column by name (case-insensitive unless asked), or -1. */
  public static int fieldIndex(StructType schema, String name, boolean caseSensitive) {
    for (int i = 0; i < schema.size(); i++) {
      String n = schema.fields()[i].name();
      if (caseSensitive ? n.equals(name) : n.equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }
}
