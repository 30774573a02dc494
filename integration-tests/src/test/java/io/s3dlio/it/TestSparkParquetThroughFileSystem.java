package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.fs.S3dlioLocalFileSystem;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spark local[2] writes and reads Parquet through the s3dlio Hadoop FileSystem, on every scheme:
 * s3:// and gs:// (S3Proxy), az:// (Azurite), direct:// and file:// (local disk; file:// through
 * {@link S3dlioLocalFileSystem}, so that Spark's and Hadoop's FileSystem.getLocal() calls keep working). The job commits
 * through Hadoop's FileOutputCommitter (rename = copy + delete on object stores): _SUCCESS must be
 * there, row counts must match, and no _temporary or hidden temporary object may be left.
 */
class TestSparkParquetThroughFileSystem {
  private static SparkSession spark;
  private static final String BUCKET = "spark-fs";

  @BeforeAll
  static void start() throws java.io.IOException {
    // Hadoop caches FileSystems by scheme and user, not by configuration: a file:// instance made
    // by an earlier test class in this JVM would hide fs.file.impl. A deployment sets it at start.
    FileSystem.closeAll();
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    AzuriteServer az = AzuriteServer.get();
    az.createContainer(BUCKET);
    SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("s3dlio-fs-parquet")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName())
        .config("spark.hadoop.fs.gs.impl", S3dlioFileSystem.Gs.class.getName())
        .config("spark.hadoop.fs.az.impl", S3dlioFileSystem.Az.class.getName())
        .config("spark.hadoop.fs.direct.impl", S3dlioFileSystem.Direct.class.getName())
        .config("spark.hadoop.fs.file.impl", S3dlioLocalFileSystem.class.getName());
    for (StoreConfig c : List.of(s3.storeConfig(), s3.gcsStoreConfig(), az.storeConfig())) {
      for (String prefix : List.of("s3.", "gcs.", "azure.")) {
        for (Map.Entry<String, String> e : c.withPrefix(prefix).entrySet()) {
          b.config("spark.hadoop.fs.s3dlio." + e.getKey(), e.getValue());
        }
      }
    }
    spark = b.getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static String base(String scheme) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return switch (scheme) {
      case "s3" -> "s3://" + BUCKET + "/parquet-" + run;
      case "gs" -> "gs://" + BUCKET + "/parquet-" + run;
      case "az" -> "az://" + AzuriteServer.ACCOUNT + "/" + BUCKET + "/parquet-" + run;
      default -> scheme + "://" + new File("target/spark-fs/" + run).getAbsolutePath();
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3", "gs", "az", "direct", "file"})
  void writesAndReadsParquet(String scheme) throws Exception {
    String out = base(scheme) + "/table";
    Dataset<Row> df = spark.range(0, 20_000).selectExpr("id", "id % 7 as k", "concat('row-', id) as s")
        .repartition(3);
    df.write().mode(SaveMode.Overwrite).partitionBy("k").parquet(out);

    Dataset<Row> back = spark.read().parquet(out);
    assertThat(back.count()).isEqualTo(20_000L);
    assertThat(back.filter("k = 3").count()).isEqualTo(df.filter("k = 3").count());
    assertThat(back.selectExpr("sum(id)").first().getLong(0)).isEqualTo(19_999L * 20_000L / 2);

    FileSystem fs = new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (scheme.equals("file")) {
      assertThat(fs).isInstanceOf(S3dlioLocalFileSystem.class);
      assertThat(((LocalFileSystem) fs).getRaw()).isInstanceOf(S3dlioFileSystem.LocalFile.class);
      assertThat(FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()))
          .isInstanceOf(S3dlioLocalFileSystem.class);
      // on disk, not through the FileSystem's listing (LocalFileSystem hides .crc files)
      try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(URI.create(out).getPath()))) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .noneMatch(n -> n.endsWith(".crc") || n.contains(".s3dlio-tmp-") || n.equals("_temporary"));
      }
    } else {
      assertThat(fs).isInstanceOf(S3dlioFileSystem.class);
    }
    assertThat(fs.exists(new Path(out, "_SUCCESS"))).as("_SUCCESS in %s", out).isTrue();
    List<String> leftovers = new ArrayList<>();
    int parquetFiles = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(out), true);
    while (it.hasNext()) {
      String p = it.next().getPath().toString();
      if (p.contains("_temporary") || p.contains(".s3dlio-tmp-") || p.contains(".spark-staging")) {
        leftovers.add(p);
      }
      if (p.endsWith(".parquet")) {
        parquetFiles++;
      }
    }
    assertThat(leftovers).as("temporary files left in %s", out).isEmpty();
    assertThat(parquetFiles).isGreaterThanOrEqualTo(7);
    assertThat(fs.exists(new Path(out, "_temporary"))).isFalse();
    assertThat(URI.create(out).getScheme()).isEqualTo(scheme);
  }
}
