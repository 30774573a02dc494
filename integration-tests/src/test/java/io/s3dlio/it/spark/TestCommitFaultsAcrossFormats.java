package io.s3dlio.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.it.spark.FormatTables.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failed writes, the same for every file format ({@link FormatTables#FORMATS}), on local disk and
 * on the S3 server, under Spark's default commit protocol and committer (FileOutputCommitter,
 * algorithm 1) with one failure injected ({@link FaultInjectingCommitProtocol}): a task failing
 * mid-write, a failure in one task's commit, a failure in job commit after one task's output was
 * published; each for Overwrite and Append of a table that holds 200 rows.
 *
 * <p>What the table reads as afterwards is Spark's semantics, so it is asserted identical for
 * every format (TFRecord and NPZ no worse than Parquet): a task failure (mid-write or in its commit)
 * leaves an Append table as it was, and an Overwritten one empty (Spark deletes the old files
 * before the job: the read then fails, no schema); a job commit that fails half-way leaves the
 * published half readable without error, for Parquet as for TFRecord and NPZ, since neither Spark's
 * protocol nor Hadoop's committer makes job commit atomic. In every case no staging folder is left,
 * and every TFRecord part has its index and no index is orphaned.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestCommitFaultsAcrossFormats {
  /** What a table reads as after a failed write. */
  enum Outcome {
    /** The read fails (nothing to infer a schema from). */
    READ_FAILS,
    /** The rows before the write. */
    OLD,
    /** The rows the write meant to produce. */
    NEW,
    /** Old rows and the first task's new rows (Append), or the first task's rows (Overwrite). */
    OLD_AND_ONE_TASK,
    /** Anything else. */
    OTHER
  }

  enum Fault {
    TASK_FAILS_MID_WRITE, TASK_COMMIT_FAILS, JOB_COMMIT_FAILS_AFTER_ONE_TASK_PUBLISHED
  }

  private static final Map<String, Outcome> OUTCOMES = new ConcurrentHashMap<>();

  private static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    FileSystem.closeAll();
    spark = FormatTables.withS3(SparkSession.builder().master("local[2]").appName("TestCommitFaultsAcrossFormats")
        .config("spark.ui.enabled", "false")
        .config("spark.task.maxFailures", "1")
        .config("spark.sql.sources.commitProtocolClass", FaultInjectingCommitProtocol.class.getName()))
        .getOrCreate();
    spark.udf().register("failAt", (UDF2<Long, Long, Long>) (id, at) -> {
      if (id.equals(at)) {
        throw new IllegalStateException("injected task failure at id " + id);
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

  static Stream<Arguments> scenarios() {
    List<Arguments> out = new ArrayList<>();
    for (Storage storage : Storage.values()) {
      for (String format : FormatTables.FORMATS) {
        for (SaveMode mode : List.of(SaveMode.Overwrite, SaveMode.Append)) {
          for (Fault fault : Fault.values()) {
            out.add(Arguments.of(storage, format, mode, fault));
          }
        }
      }
    }
    return out.stream();
  }

  /** Spark's outcome of each scenario, whatever the format. */
  static Outcome expected(SaveMode mode, Fault fault) {
    if (fault == Fault.JOB_COMMIT_FAILS_AFTER_ONE_TASK_PUBLISHED) {
      return Outcome.OLD_AND_ONE_TASK;
    }
    return mode == SaveMode.Append ? Outcome.OLD : Outcome.READ_FAILS;
  }

  private static void write(String format, String table, long from, long failAt, SaveMode mode, String fault) {
    spark.range(from, from + 200, 1, 2).selectExpr("failAt(id, " + failAt + "L) as id", "cast(id * 0.5 as float) as v")
        .write().format(format).options(FormatTables.options(format)).mode(mode)
        .option(FaultInjectingCommitProtocol.FAULT, fault).save(table);
  }

  @ParameterizedTest(name = "{0} {1} {2}: {3}")
  @MethodSource("scenarios")
  @Order(1)
  void aFailedWriteLeavesTheTableAsSparkPromises(Storage storage, String format, SaveMode mode, Fault fault)
      throws IOException {
    String table = FormatTables.newTable(storage, tmp, format + "-" + fault.name().toLowerCase());
    write(format, table, 0, -1, SaveMode.ErrorIfExists, "none");
    List<Long> old = FormatTables.range(0, 200);
    assertThat(FormatTables.ids(spark, format, table)).isEqualTo(old);

    long failAt = fault == Fault.TASK_FAILS_MID_WRITE ? 1150 : -1; // task 1 writes 1100..1199
    String injected = switch (fault) {
      case TASK_COMMIT_FAILS -> FaultInjectingCommitProtocol.TASK_COMMIT;
      case JOB_COMMIT_FAILS_AFTER_ONE_TASK_PUBLISHED -> FaultInjectingCommitProtocol.JOB_COMMIT;
      default -> "none";
    };
    assertThatThrownBy(() -> write(format, table, 1000, failAt, mode, injected))
        .hasStackTraceContaining(fault == Fault.TASK_FAILS_MID_WRITE ? "injected task failure at id 1150"
            : "injected failure in");

    List<Long> fresh = FormatTables.range(1000, 1200);
    List<Long> oneTask = new ArrayList<>(mode == SaveMode.Append ? old : List.of());
    oneTask.addAll(FormatTables.range(1000, 1100));
    List<Long> all = new ArrayList<>(mode == SaveMode.Append ? old : List.of());
    all.addAll(fresh);
    Outcome outcome;
    try {
      List<Long> ids = FormatTables.ids(spark, format, table);
      outcome = ids.equals(old) ? Outcome.OLD : ids.equals(all) ? Outcome.NEW
          : ids.equals(oneTask) ? Outcome.OLD_AND_ONE_TASK : Outcome.OTHER;
    } catch (Exception e) {
      outcome = Outcome.READ_FAILS;
    }
    OUTCOMES.put(storage + " " + format + " " + mode + " " + fault, outcome);
    assertThat(outcome).isEqualTo(expected(mode, fault));

    List<String> left = FormatTables.files(spark, table);
    if (storage == Storage.FILE) {
      assertThat(FormatTables.staging(left)).as("staging left in %s", left).isEmpty();
    } else {
      // Spark calls abortJob as soon as the job fails and does not wait for the tasks it kills: a task
      // still committing (a copy-and-delete rename on S3) can put its output back under _temporary
      // after the abort removed it (Parquet too). Readers never see it (hidden folder); nothing else may be left.
      assertThat(FormatTables.staging(left)).as("staging left in %s", left).allMatch(f -> f.startsWith("_temporary/"));
    }
    if (format.equals("tfrecord")) {
      // In the table; a task's leftover under _temporary (above) can hold its part without its
      // index (the task's copy of the part landed after the abort, the index's did not).
      List<String> published = left.stream().filter(f -> !FormatTables.staging(left).contains(f)).toList();
      assertThat(FormatTables.unpairedIndexes(published)).as("parts and indexes in %s", left).isEmpty();
    }
  }

  @Test
  @Order(2)
  void everyFormatEndsEveryScenarioAsParquetDoes() {
    Map<String, Map<String, Outcome>> byFormat = new TreeMap<>();
    OUTCOMES.forEach((k, v) -> {
      String[] s = k.split(" ", 3); // storage, format, mode and fault
      byFormat.computeIfAbsent(s[1], f -> new TreeMap<>()).put(s[0] + " " + s[2], v);
    });
    assertThat(byFormat.keySet()).containsExactlyInAnyOrderElementsOf(FormatTables.FORMATS);
    Map<String, Outcome> parquet = byFormat.get("parquet");
    assertThat(parquet).hasSize(12);
    byFormat.forEach((format, outcomes) -> assertThat(outcomes).as(format).isEqualTo(parquet));
  }
}
