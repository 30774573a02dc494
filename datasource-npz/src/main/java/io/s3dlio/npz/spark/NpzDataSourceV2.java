package io.s3dlio.npz.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.v2.FileDataSourceV2;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * {@code spark.read.format("npz")} and {@code df.write.format("npz")}: a Spark file source built
 * as Spark's own Avro connector is. Reads are DSv2 ({@link NpzTable}, {@link NpzScan}); writes go
 * through the V1 fallback {@link NpzFileFormat} and Spark's commit protocol.
 *
 * <p>Options are validated here ({@link NpzOptions}); without a {@code pathGlobFilter} only files
 * named {@code *.npz} are read.
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
    String name = getTableName(options, paths);
    Map<String, String> rest = new HashMap<>(getOptionsWithoutPaths(options).asCaseSensitiveMap());
    if (rest.keySet().stream().noneMatch(NpzOptions.PATH_GLOB_FILTER::equalsIgnoreCase)) {
      rest.put(NpzOptions.PATH_GLOB_FILTER, NpzOptions.defaultGlob(format()));
    }
    return new NpzTable(name, sparkSession(), new CaseInsensitiveStringMap(rest), paths, schema, parsed,
        fallbackFileFormat());
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
