package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.testing.S3ProxyServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sources on s3:// (the s3dlio FileSystem on the S3 test server), configured only through
 * Hadoop settings: {@code spark.hadoop.*} (see SparkTestBase), {@code spark.conf.set} and per-read
 * / per-write options. Every bucket but one needs its secret key from the path under test; the
 * global one is wrong.
 */
class TestNpzSparkS3 extends SparkTestBase {
  private static final String SESSION_BUCKET = "npz-session";
  private static final String OPTION_BUCKET = "npz-option";
  private static final String NO_CREDENTIALS_BUCKET = "npz-nocreds";

  @BeforeAll
  static void buckets() {
    for (String b : List.of(SESSION_BUCKET, OPTION_BUCKET, NO_CREDENTIALS_BUCKET)) {
      S3ProxyServer.get().createBucket(b);
    }
  }

  private static String run() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static Dataset<Row> data() {
    return spark.range(0, 500).selectExpr("cast(id as int) as label",
        "array(cast(id as double), cast(-id as double), 0.5d) as x", "cast(id % 2 as int) as k").repartition(2);
  }

  private static List<String> listed(String dir) throws Exception {
    Path p = new Path(dir);
    FileSystem fs = p.getFileSystem(spark.sessionState().newHadoopConf());
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toString().substring(dir.length() + 1));
    }
    return out;
  }

  @Test
  void sparkHadoopSettingsBothLayoutsPartitionsAndRangedReads() throws Exception {
    String base = "s3://" + HADOOP_BUCKET + "/" + run();
    Dataset<Row> df = data();
    String sample = base + "/sample";
    df.write().format("npz").option("layout", "sample").option("compression", "deflate").partitionBy("k")
        .save(sample);
    assertThat(listed(sample)).contains("_SUCCESS").noneMatch(n -> n.contains("_temporary"))
        .anyMatch(n -> n.matches("k=0/part-.*\\.npz")).anyMatch(n -> n.matches("k=1/part-.*\\.npz"));
    Dataset<Row> back = spark.read().format("npz").option("layout", "sample").load(sample);
    assertThat(back.orderBy("label").drop("path", "index").select("label", "x", "k").collectAsList())
        .isEqualTo(df.orderBy("label").collectAsList());
    Dataset<Row> odd = spark.read().format("npz").option("layout", "sample").load(sample).filter("k = 1")
        .select("label");
    Map<String, Long> m = scanMetrics(odd);
    assertThat(m.get(NpzMetrics.FILES_PLANNED)).isEqualTo(listed(sample + "/k=1").size());

    // one stored file, split by rows into byte ranges of 2 KiB, each fetched with one ranged read
    String stored = base + "/stored";
    df.drop("k").coalesce(1).write().format("npz").option("layout", "sample").save(stored);
    Dataset<Row> split = spark.read().format("npz").option("layout", "sample").option("maxPartitionBytes", "2k")
        .load(stored).selectExpr("sum(label)");
    assertThat(split.collectAsList().get(0).getLong(0)).isEqualTo(499L * 500 / 2);
    Map<String, Long> s = metrics(split);
    assertThat(s.get(NpzMetrics.PARTITIONS_PLANNED)).isGreaterThan(2);
    assertThat(s.get(NpzMetrics.ROW_RANGE_SPLITS)).isEqualTo(s.get(NpzMetrics.PARTITIONS_PLANNED));
    // per split: the zip directory, the label and x headers, the label rows
    assertThat(s.get(NpzMetrics.RANGED_READS)).isEqualTo(4 * s.get(NpzMetrics.PARTITIONS_PLANNED));

    // file layout: shapes come from the member headers, no values are decoded
    Dataset<Row> shapes = spark.read().format("npz").load(stored).select("path", "label_shape", "x_shape");
    List<Row> rows = shapes.collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString(0)).startsWith(stored + "/part-00000-");
    assertThat(rows.get(0).getList(1)).containsExactly(500L);
    assertThat(rows.get(0).getList(2)).containsExactly(500L, 3L);
    assertThat(metrics(shapes).get(NpzMetrics.ARRAYS_READ)).isZero();
    // the file (~14 KB) is at most 64 KiB: fetched whole in one read, which the zip directory's
    // tail read would fetch anyway (larger files: TestNpzSparkRead.fileLayoutPrunesMembers)
    assertThat(metrics(shapes).get(NpzMetrics.RANGED_READS)).isEqualTo(1);
  }

  @Test
  void wrongGlobalSecretFailsNamingThePath() {
    String out = "s3://" + NO_CREDENTIALS_BUCKET + "/" + run();
    assertThatThrownBy(() -> data().write().format("npz").save(out)).hasStackTraceContaining(NO_CREDENTIALS_BUCKET)
        .hasStackTraceContaining("403");
  }

  @Test
  void sessionConfSetAtRuntime() {
    String out = "s3://" + SESSION_BUCKET + "/" + run();
    spark.conf().set("fs.s3dlio.bucket." + SESSION_BUCKET + ".s3.secret-key", S3ProxyServer.get().secretKey());
    try {
      data().write().format("npz").option("layout", "sample").save(out);
      assertThat(spark.read().format("npz").option("layout", "sample").load(out).count()).isEqualTo(500);
    } finally {
      spark.conf().unset("fs.s3dlio.bucket." + SESSION_BUCKET + ".s3.secret-key");
    }
  }

  @Test
  void perWriteAndPerReadHadoopOptions() {
    String secret = S3ProxyServer.get().secretKey();
    String out = "s3://" + OPTION_BUCKET + "/" + run();
    data().write().format("npz").option("layout", "sample").option("fs.s3dlio.s3.secret-key", secret)
        .mode(SaveMode.Overwrite).save(out);
    // Hadoop caches one FileSystem per bucket: read through fresh ones, so the options are what counts
    assertThatThrownBy(() -> spark.read().format("npz").option("layout", "sample")
        .option("fs.s3.impl.disable.cache", "true").load(out).count()).hasStackTraceContaining(OPTION_BUCKET)
        .hasStackTraceContaining("403");
    assertThat(spark.read().format("npz").option("layout", "sample").option("fs.s3.impl.disable.cache", "true")
        .option("fs.s3dlio.s3.secret-key", secret).load(out).selectExpr("sum(label)").first().getLong(0))
        .isEqualTo(499L * 500 / 2);
  }
}
