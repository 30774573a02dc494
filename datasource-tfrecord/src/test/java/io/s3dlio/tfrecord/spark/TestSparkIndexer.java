package io.s3dlio.tfrecord.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.spark.index.SparkIndexer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark indexing job: chunked, stitched, byte-identical to DALI's tool on golden files. */
class TestSparkIndexer {
  private static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("TestSparkIndexer").config("spark.ui.enabled", "false")
        .config("spark.task.maxFailures", "1").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void chunkedIndexesEqualTheGoldenDaliIndexes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("golden"));
    int n = 0;
    for (Golden.TfFile f : Golden.goodTfrecordFiles()) {
      Path golden = Golden.file("dali/generated/" + f.indexStem() + ".idx");
      if (!"NONE".equals(f.compression()) || !Files.exists(golden)) {
        continue;
      }
      Files.copy(f.local(), dir.resolve(f.indexStem()));
      n++;
    }
    Map<String, Long> counts = SparkIndexer.index(spark, dir.toUri().toString(), 700, ".idx", false);
    assertThat(counts).hasSize(n);
    for (Golden.TfFile f : Golden.goodTfrecordFiles()) {
      Path copy = dir.resolve(f.indexStem());
      if (Files.exists(copy)) {
        assertThat(Files.readAllBytes(TestSparkTfRecordSource.writtenIndex(copy))).as(f.path())
            .isEqualTo(Files.readAllBytes(Golden.file("dali/generated/" + f.indexStem() + ".idx")));
        assertThat(counts.get(copy.toUri().toString().replace("file:///", "file:/"))).as(f.path())
            .isEqualTo(f.records());
      }
    }
    // Up-to-date indexes are skipped (the index is not rewritten).
    Path someIdx = Files.list(dir.resolve("_index")).filter(p -> p.toString().endsWith(".idx")).findFirst()
        .orElseThrow();
    long before = Files.getLastModifiedTime(someIdx).toMillis();
    Thread.sleep(20);
    SparkIndexer.index(spark, dir.toUri().toString(), 700, ".idx", false);
    assertThat(Files.getLastModifiedTime(someIdx).toMillis()).isEqualTo(before);
  }

  @Test
  void bigFileInManyChunksAndACorruptFileNamed() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("big"));
    byte[] one = Files.readAllBytes(Golden.file("tfrecord/tfx_mnist/mnist.tfrecord"));
    Path big = dir.resolve("mnist3.tfrecord");
    try (OutputStream o = Files.newOutputStream(big)) {
      for (int i = 0; i < 3; i++) {
        o.write(one);
      }
    }
    Map<String, Long> counts = SparkIndexer.index(spark, big.toUri().toString(), 100_000, ".idx", true);
    assertThat(counts.values()).containsExactly(3000L);
    assertThat(Files.readAllBytes(TestSparkTfRecordSource.writtenIndex(big)))
        .isEqualTo(TestSparkTfRecordSource.indexOf(big).toBytes());
    Path bad = Files.createDirectories(tmp.resolve("bad")).resolve("bad.tfrecord");
    Files.copy(Golden.file("tfrecord/derived/example.truncated_mid_data.tfrecord"), bad);
    assertThatThrownBy(() -> SparkIndexer.index(spark, bad.toUri().toString(), 100, ".idx", true))
        .hasMessageContaining("bad.tfrecord: the stitched chunks do not cover the file: its records cover 389 bytes"
            + " but the file has 460");
    assertThatThrownBy(() -> SparkIndexer.index(spark, bad.toUri().toString(), 1 << 20, ".idx", true))
        .hasStackTraceContaining("bad.tfrecord at byte 389: truncated record");
    assertThat(Files.exists(TestSparkTfRecordSource.writtenIndex(bad))).isFalse();
  }

  @Test
  void cliSparkPathIndexesAFolder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cli"));
    Path f = dir.resolve("mnist.tfrecord");
    Files.copy(Golden.file("tfrecord/tfx_mnist/mnist.tfrecord"), f);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = io.s3dlio.cli.S3dlioCli.run(new String[] {"tfrecord-index", "--spark", "--chunk-bytes", "50000", dir.toString()},
        io.s3dlio.store.StoreConfig.EMPTY, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("mnist.tfrecord\t1000 records");
    assertThat(Files.readAllBytes(TestSparkTfRecordSource.writtenIndex(f)))
        .isEqualTo(Files.readAllBytes(Golden.file("dali/generated/tfx_mnist__mnist.tfrecord.idx")));

    code = io.s3dlio.cli.S3dlioCli.run(new String[] {"tfrecord-index", "--spark", "-o", "x.idx", dir.toString()},
        io.s3dlio.store.StoreConfig.EMPTY, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--spark writes _index/<file>.idx beside each file");
  }
}
