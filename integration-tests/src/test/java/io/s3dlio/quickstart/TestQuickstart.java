package io.s3dlio.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's job ({@code bin/quickstart}) on {@code file://} and {@code local[2]}, smaller
 * (512 records): every step runs and its checks against the generated data hold.
 */
class TestQuickstart {
  private static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("quickstart-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyStepRunsAndMatchesTheGeneratedData() throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      new Quickstart(spark, dir.toUri().toString(), 512).run();
    } finally {
      System.setOut(stdout);
    }
    String log = out.toString(StandardCharsets.UTF_8);
    System.out.print(log);
    assertThat(log).contains("1. generate 512 + 128", "2. write TFRecord", "8 indexes (in _index/)", "3. index a TFRecord file",
        "128 records indexed", "4. read with format(\"tfrecord\")", "640 records in", "16 random keys found",
        "512 samples in", "512 samples to 2 ranks");
    assertThat(log.lines().filter(l -> l.matches("\\s+\\d+\\.\\d\\d s  .*"))).as("a timing per step").hasSize(7);
  }

  @Test
  void theImagesAreDeterministicAndDistinct() {
    assertThat(Quickstart.image(5)).isEqualTo(Quickstart.image(5)).hasSize(3 * 32 * 32);
    assertThat(Quickstart.crc(Quickstart.image(5))).isNotEqualTo(Quickstart.crc(Quickstart.image(6)));
    assertThat(Quickstart.key(42)).isEqualTo("img-000042");
  }
}
