package io.s3dlio.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.it.spark.FormatTables.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writes whose tasks run more than once, for every file format, on local disk and the S3 server:
 * a task that fails on its first attempt (retried), and a task whose first attempt is slow while
 * {@code spark.speculation} is on (a speculative copy runs on the other host, commits, and the
 * first attempt is killed). Spark runs as a two-host cluster in this JVM
 * ({@link TwoHostLocalClusterManager}: local mode never speculates). Afterwards every id is there
 * exactly once (count, distinct count and sum of a unique id), no staging is left, and every
 * TFRecord part has its index and no index is orphaned.
 */
class TestRetriesAndSpeculationAcrossFormats {
  private static final int ROWS = 1000;

  private static SparkSession spark;
  private static final AtomicInteger FAILED_ATTEMPTS = new AtomicInteger();
  private static final AtomicInteger SPECULATIVE_STARTS = new AtomicInteger();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    FileSystem.closeAll();
    spark = FormatTables.withS3(SparkSession.builder().master(TwoHostLocalClusterManager.master(2))
        .appName("TestRetriesAndSpeculationAcrossFormats")
        .config("spark.ui.enabled", "false")
        .config("spark.task.maxFailures", "4")
        .config("spark.speculation", "true")
        .config("spark.speculation.interval", "100ms")
        .config("spark.speculation.quantile", "0.5")
        .config("spark.speculation.multiplier", "1.5")
        .config("spark.speculation.minTaskRuntime", "200ms"))
        .getOrCreate();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskStart(SparkListenerTaskStart start) {
        if (start.taskInfo().speculative()) {
          SPECULATIVE_STARTS.incrementAndGet();
        }
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().failed()) {
          FAILED_ATTEMPTS.incrementAndGet();
        }
      }
    });
    // Partition 1's first attempt fails after writing 100 of its rows.
    spark.udf().register("failFirstAttempt", (UDF1<Long, Long>) id -> {
      TaskContext tc = TaskContext.get();
      if (tc.attemptNumber() == 0 && tc.partitionId() == 1 && id % (ROWS / 4) == 100) {
        throw new IllegalStateException("injected failure of attempt 0 at id " + id);
      }
      return id;
    }, DataTypes.LongType);
    // Partition 0's first attempt stalls (until killed) after writing 10 rows.
    spark.udf().register("stallFirstAttempt", (UDF1<Long, Long>) id -> {
      TaskContext tc = TaskContext.get();
      if (tc.attemptNumber() == 0 && tc.partitionId() == 0 && id == 10) {
        Thread.sleep(120_000);
      }
      return id;
    }, DataTypes.LongType);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @BeforeEach
  void resetCounts() throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    FAILED_ATTEMPTS.set(0);
    SPECULATIVE_STARTS.set(0);
  }

  static Stream<Arguments> tables() {
    List<Arguments> out = new ArrayList<>();
    for (Storage storage : Storage.values()) {
      for (String format : FormatTables.FORMATS) {
        out.add(Arguments.of(storage, format));
      }
    }
    return out.stream();
  }

  private static void assertEveryIdOnce(String format, String table) throws IOException {
    Row r = spark.read().format(format).options(FormatTables.options(format)).load(table).selectExpr("count(*)", "count(distinct id)", "sum(id)").first();
    assertThat(r.getLong(0)).as("rows").isEqualTo(ROWS);
    assertThat(r.getLong(1)).as("distinct ids").isEqualTo(ROWS);
    assertThat(r.getLong(2)).as("sum of ids").isEqualTo((long) ROWS * (ROWS - 1) / 2);
    List<String> left = FormatTables.files(spark, table);
    assertThat(FormatTables.staging(left)).as("staging left in %s", left).isEmpty();
    if (format.equals("tfrecord")) {
      assertThat(FormatTables.unpairedIndexes(left)).as("parts and indexes in %s", left).isEmpty();
    }
  }

  /** Writes ids 0..ROWS-1 in 4 tasks, each id through the UDF; returns the table. */
  private static String writeThrough(String udf, Storage storage, String format) throws Exception {
    String table = FormatTables.newTable(storage, tmp, format + "-" + udf);
    spark.range(0, ROWS, 1, 4).selectExpr(udf + "(id) as id", "cast(id as float) as v").write().format(format)
        .options(FormatTables.options(format)).save(table);
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return table;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("tables")
  void aRetriedTaskWritesItsRowsOnce(Storage storage, String format) throws Exception {
    String table = writeThrough("failFirstAttempt", storage, format);
    assertThat(FAILED_ATTEMPTS.get()).as("failed attempts").isEqualTo(1);
    assertEveryIdOnce(format, table);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("tables")
  void aSpeculativeCopyCommitsOnceAndTheSlowAttemptLeavesNothing(Storage storage, String format) throws Exception {
    String table = writeThrough("stallFirstAttempt", storage, format);
    assertThat(SPECULATIVE_STARTS.get()).as("speculative attempts").isGreaterThanOrEqualTo(1);
    assertEveryIdOnce(format, table);
  }
}
