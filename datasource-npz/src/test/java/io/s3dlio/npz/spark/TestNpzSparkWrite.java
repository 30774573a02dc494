package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestNpzSparkWrite extends SparkTestBase {
  @TempDir
  Path dir;

  private static List<String> files(Path d) throws Exception {
    try (Stream<Path> s = Files.walk(d)) {
      return s.filter(Files::isRegularFile).map(p -> d.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void fileLayoutRoundTrip() throws Exception {
    Path in = dir.resolve("in");
    writeXy(in.resolve("a.npz"), 0, 4, false);
    writeXy(in.resolve("b.npz"), 100, 2, true);
    Dataset<Row> src = spark.read().format("npz").load(in.toString());
    Path out = dir.resolve("out");
    src.write().format("npz").option("compression", "deflate").save(out.toString());
    assertThat(files(out)).allMatch(n -> n.startsWith("part-") && n.endsWith(".npz")).hasSize(2);
    Dataset<Row> back = spark.read().format("npz").load(out.toString());
    assertThat(back.schema()).isEqualTo(src.schema());
    List<Row> a = src.drop("path").orderBy("y").collectAsList();
    List<Row> b = back.drop("path").orderBy("y").collectAsList();
    assertThat(b).isEqualTo(a);
    assertThat(b.get(0).getList(1)).containsExactly(4L, 3L);
  }

  @Test
  void sampleLayoutRoundTripAndSaveModes() throws Exception {
    Dataset<Row> df = spark.range(0, 1000).selectExpr("cast(id as int) as label",
        "array(cast(id as float), cast(id * 2 as float)) as x", "cast(id as string) as name").repartition(3);
    Path out = dir.resolve("samples");
    df.write().format("npz").option("layout", "sample").save(out.toString());
    assertThat(files(out)).hasSize(3).noneMatch(n -> n.contains("_temporary"));
    Dataset<Row> back = spark.read().format("npz").option("layout", "sample").load(out.toString());
    assertThat(back.schema().simpleString())
        .isEqualTo("struct<path:string,index:bigint,label:int,x:array<float>,name:string>");
    assertThat(back.orderBy("label").drop("path", "index").collectAsList())
        .isEqualTo(df.orderBy("label").collectAsList());

    assertThatThrownBy(() -> df.write().format("npz").option("layout", "sample").save(out.toString()))
        .hasMessageContaining("Cannot write to file://" + out + "/: it already exists (3 objects; save mode"
            + " errorifexists, use mode overwrite or append)");
    df.limit(5).write().format("npz").mode(SaveMode.Ignore).option("layout", "sample").save(out.toString());
    assertThat(back.count()).isEqualTo(1000);
    df.limit(5).write().format("npz").mode(SaveMode.Append).option("layout", "sample").save(out.toString());
    assertThat(spark.read().format("npz").option("layout", "sample").load(out.toString()).count()).isEqualTo(1005);
    df.limit(7).coalesce(1).write().format("npz").mode(SaveMode.Overwrite).option("layout", "sample")
        .save(out.toString());
    assertThat(files(out)).hasSize(1);
    assertThat(spark.read().format("npz").option("layout", "sample").load(out.toString()).count()).isEqualTo(7);
  }

  @Test
  void failedWriteLeavesNothing() throws Exception {
    Dataset<Row> df = spark.range(0, 100).selectExpr("id",
        "case when id = 77 then null else array(id) end as x").repartition(2);
    Path out = dir.resolve("failed");
    assertThatThrownBy(() -> df.write().format("npz").option("layout", "sample").save(out.toString()))
        .hasStackTraceContaining("Cannot write column 'x' in row")
        .hasStackTraceContaining("null values cannot be stored in .npy arrays");
    assertThat(Files.exists(out) ? files(out) : List.of()).isEmpty();
  }

  @Test
  void npyWriteNeedsOneArrayColumn() {
    Dataset<Row> df = spark.range(0, 3).selectExpr("id", "id * 2 as y");
    assertThatThrownBy(() -> df.write().format("npy").save(dir.resolve("npy").toString()))
        .hasMessageContaining("Cannot write .npy: one array column is needed, found [id, y]");
  }
}
