package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The V1 fallback {@link NpzFileFormat} as a reader (catalog tables, useV1SourceList) and the DSv2
 * table's write ({@link NpzWrite}), which share the V2 path's readers and writer factory.
 */
class TestNpzV1Paths extends SparkTestBase {
  @TempDir
  Path dir;

  private static List<Row> sorted(Dataset<Row> df, String by) {
    return df.orderBy(by).collectAsList();
  }

  @Test
  void v1ReadsMatchV2Reads() throws Exception {
    writeXy(dir.resolve("t/k=1/a.npz"), 0, 5, false);
    writeXy(dir.resolve("t/k=2/b.npz"), 100, 3, true);
    String p = dir.resolve("t").toString();
    List<Row> v2Sample = sorted(spark.read().format("npz").option("layout", "sample").load(p).drop("path"), "y");
    List<Row> v2File = sorted(spark.read().format("npz").load(p).drop("path"), "k");
    spark.conf().set("spark.sql.sources.useV1SourceList", "avro,csv,json,kafka,orc,parquet,text,npz");
    try {
      Dataset<Row> sample = spark.read().format("npz").option("layout", "sample").load(p).drop("path");
      assertThat(sorted(sample, "y")).hasSize(8).isEqualTo(v2Sample);
      Dataset<Row> file = spark.read().format("npz").load(p).drop("path");
      assertThat(sorted(file, "k")).hasSize(2).isEqualTo(v2File);
      assertThat(CollectionConverters.asJava(file.queryExecution().executedPlan().collectLeaves()))
          .anyMatch(n -> n instanceof FileSourceScanExec);
    } finally {
      spark.conf().unset("spark.sql.sources.useV1SourceList");
    }
  }

  @Test
  void catalogTableUsingNpz() throws Exception {
    String p = dir.resolve("table").toString();
    spark.sql("CREATE TABLE npz_samples (id BIGINT, x ARRAY<FLOAT>, k INT) USING npz OPTIONS (layout 'sample')"
        + " PARTITIONED BY (k) LOCATION '" + p + "'");
    try {
      spark.sql("INSERT INTO npz_samples SELECT id, array(cast(id as float)), cast(id % 2 as int) FROM range(10)");
      spark.sql("INSERT INTO npz_samples SELECT id, array(cast(id as float)), 5 FROM range(10, 13)");
      Row r = spark.sql("SELECT count(*), sum(id), sum(x[0]) FROM npz_samples WHERE k = 1").first();
      assertThat(r.getLong(0)).isEqualTo(5);
      assertThat(r.getLong(1)).isEqualTo(1 + 3 + 5 + 7 + 9);
      assertThat(spark.sql("SELECT count(*) FROM npz_samples").first().getLong(0)).isEqualTo(13);
      assertThat(files(dir.resolve("table"))).anyMatch(n -> n.startsWith("k=5/part-") && n.endsWith(".npz"));
    } finally {
      spark.sql("DROP TABLE IF EXISTS npz_samples");
    }
  }

  @Test
  void tableWriteUsesTheSameWriterFactory() throws Exception {
    writeXy(dir.resolve("w/a.npz"), 0, 2, false);
    NpzDataSourceV2 source = new NpzDataSourceV2();
    NpzTable table = (NpzTable) source.getTable(new CaseInsensitiveStringMap(Map.of("path",
        dir.resolve("w").toString(), "layout", "sample")));
    StructType schema = new StructType().add("id", "bigint").add("x", "array<float>");
    LogicalWriteInfo info = new LogicalWriteInfo() {
      @Override
      public CaseInsensitiveStringMap options() {
        return new CaseInsensitiveStringMap(Map.of("compression", "deflate"));
      }

      @Override
      public String queryId() {
        return "q1";
      }

      @Override
      public StructType schema() {
        return schema;
      }

      @Override
      public java.util.Optional<StructType> rowIdSchema() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<StructType> metadataSchema() {
        return java.util.Optional.empty();
      }
    };
    NpzWrite write = (NpzWrite) table.newWriteBuilder(info).build();
    assertThat(write.formatName()).isEqualTo("NPZ");
    assertThat(write.options().get("layout")).isEqualTo("sample");
    assertThat(write.options().get("compression")).isEqualTo("deflate");
    OutputWriterFactory f = write.prepareWrite(spark.sessionState().conf(), Job.getInstance(),
        Scala.map(write.options().asCaseSensitiveMap()), schema);
    assertThat(f).isInstanceOf(NpzOutputWriterFactory.class);
    assertThat(f.getFileExtension(null)).isEqualTo(".npz");
  }
}
