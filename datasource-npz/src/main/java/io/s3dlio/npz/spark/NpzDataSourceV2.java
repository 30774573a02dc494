package io.s3dlio.npz.spark;

import java.io.IOException;
import java.util.StringJoiner;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.v2.FileDataSourceV2;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.util.Utils;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * {@code spark.read.format("npz")} and {@code df.write.format("npz")}: a Spark file source built
 * as Spark's own Avro connector is. Reads are DSv2 ({@link NpzTable}, {@link NpzScan}); writes go
 * through the V1 fallback {@link NpzFileFormat} and Spark's commit protocol.
 *
 * <p>Options are validated here ({@link NpzOptions}); without a {@code pathGlobFilter} only files
 * named {@code *.npz} are read ({@link NpzOptions#reads}).
 */
public class NpzDataSourceV2 implements FileDataSourceV2 {
  private Table t;

  public NpzDataSourceV2() {
    FileDataSourceV2.$init$(this);
  }

  /** "npz" or "npy": the format and the file extension. */
  protected String format() {
    return "npz";
  }

  @Override
  public String shortName() {
    return format();
  }

  @Override
  public Class<? extends FileFormat> fallbackFileFormat() {
    return NpzFileFormat.class;
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
    NpzOptions parsed = NpzOptions.parse(format(), options.asCaseSensitiveMap());
    Seq<String> paths = getPaths(options);
    CaseInsensitiveStringMap rest = withDefaultFilter(getOptionsWithoutPaths(options), parsed);
    return new NpzTable(shortName(), sparkSession(), options, rest, paths, schema, parsed,
        fallbackFileFormat());
  }

  /**
   * The table name Spark's {@code FileDataSourceV2.getTableName} gives (the short name, then the
   * paths qualified by their FileSystems, comma-separated, with Spark's string redaction), with the
   * Hadoop configuration {@code conf} of the read given: {@code getTableName} makes a copy of
   * its own (about a thousand keys) only to qualify the paths, which {@link NpzTable} spares by
   * naming the table when asked, with the configuration its file index already made.
   */
  static String tableName(SparkSession session, String shortName, Seq<String> paths, Configuration conf) {
    StringJoiner qualified = new StringJoiner(",");
    for (String p : Scala.list(paths)) {
      Path path = new Path(p);
      FileSystem fs;
      try {
        fs = path.getFileSystem(conf);
      } catch (IOException e) {
        throw Sneaky.rethrow(e); // as getTableName, whose Scala code throws it undeclared
      }
      qualified.add(path.makeQualified(fs.getUri(), fs.getWorkingDirectory()).toString());
    }
    return Utils.redact(session.sessionState().conf().stringRedactionPattern(), shortName + " " + qualified);
  }

  /**
   * {@code options} with the source's default file filter ({@link NpzPathFilter}) as the Hadoop
   * input path filter of the listing, unless the read gives a {@code pathGlobFilter} or an input
   * path filter is already set (in the read's options, the session's conf or the Hadoop
   * configuration), which then decides as Spark's own sources let it.
   */
  private CaseInsensitiveStringMap withDefaultFilter(CaseInsensitiveStringMap options, NpzOptions parsed) {
    if (parsed.hasPathGlobFilter() || options.containsKey(NpzPathFilter.KEY)
        || sparkSession().conf().contains(NpzPathFilter.KEY)
        || sparkSession().sparkContext().hadoopConfiguration().get(NpzPathFilter.KEY) != null) {
      return options;
    }
    java.util.Map<String, String> with = new java.util.HashMap<>(options.asCaseSensitiveMap());
    with.put(NpzPathFilter.KEY, NpzPathFilter.of(format()).getName());
    return new CaseInsensitiveStringMap(with);
  }

  @Override
  public Table org$apache$spark$sql$execution$datasources$v2$FileDataSourceV2$$t() {
    return t;
  }

  @Override
  public void org$apache$spark$sql$execution$datasources$v2$FileDataSourceV2$$t_$eq(Table table) {
    this.t = table;
  }
}
