package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.testing.S3ProxyServer;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Write → read round trip through Spark on the S3 test server, both layouts. */
class TestNpzSparkS3 extends SparkTestBase {
  @BeforeAll
  static void bucket() {
    S3ProxyServer.get().createBucket("npz-spark");
  }

  private static org.apache.spark.sql.DataFrameReader reader() {
    org.apache.spark.sql.DataFrameReader r = spark.read();
    S3ProxyServer.get().storeConfig().withPrefix("").forEach((k, v) -> r.option("store." + k, v));
    return r;
  }

  private static <T> org.apache.spark.sql.DataFrameWriter<T> withStore(org.apache.spark.sql.DataFrameWriter<T> w) {
    S3ProxyServer.get().storeConfig().withPrefix("").forEach((k, v) -> w.option("store." + k, v));
    return w;
  }

  @Test
  void roundTripBothLayouts() {
    Dataset<Row> df = spark.range(0, 500).selectExpr("cast(id as int) as label",
        "array(cast(id as double), cast(-id as double), 0.5d) as x").repartition(2);
    String sample = "s3://npz-spark/sample-" + System.nanoTime();
    withStore(df.write().format("npz").option("layout", "sample").option("compression", "deflate")).save(sample);
    Dataset<Row> back = reader().format("npz").option("layout", "sample").load(sample);
    assertThat(back.orderBy("label").drop("path", "index").collectAsList())
        .isEqualTo(df.orderBy("label").collectAsList());

    String stored = "s3://npz-spark/stored-" + System.nanoTime();
    withStore(df.coalesce(1).write().format("npz").option("layout", "sample")).save(stored);
    Dataset<Row> split = reader().format("npz").option("layout", "sample").option("split-size", "2k").load(stored);
    assertThat(split.rdd().getNumPartitions()).isGreaterThan(2);
    assertThat(split.selectExpr("sum(label)").first().getLong(0)).isEqualTo(499L * 500 / 2);

    Dataset<Row> files = reader().format("npz").load(stored);
    List<Row> rows = files.select("path", "label_shape", "x_shape").collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString(0)).startsWith(stored + "/part-00000-");
    assertThat(rows.get(0).getList(1)).containsExactly(500L);
    assertThat(rows.get(0).getList(2)).containsExactly(500L, 3L);
  }
}
