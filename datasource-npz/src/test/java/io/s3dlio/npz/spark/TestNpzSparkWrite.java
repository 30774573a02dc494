package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes through Spark's commit protocol (FileOutputCommitter here): save modes, partitionBy,
 * dynamic partition overwrite, failing and retried tasks, the file layout's per-row files, the
 * write metrics.
 */
class TestNpzSparkWrite extends SparkTestBase {
  @TempDir
  Path dir;

  @BeforeAll
  static void udfs() {
    // fails for id 77 on every attempt: the task, then the job, fail
    spark.udf().register("failAt77", (UDF1<Long, Long>) id -> {
      if (id == 77) {
        throw new IllegalStateException("injected failure at id 77");
      }
      return id;
    }, DataTypes.LongType);
    // fails for id 50 on a task's first attempt only: the retry succeeds
    spark.udf().register("failFirstAttemptAt50", (UDF1<Long, Long>) id -> {
      if (id == 50 && TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("injected failure at id 50, attempt 0");
      }
      return id;
    }, DataTypes.LongType);
  }

  /** Data files (names without a leading '_' or '.'), relative. */
  private static List<String> dataFiles(Path d) throws Exception {
    return files(d).stream().filter(n -> {
      String name = Path.of(n).getFileName().toString();
      return !name.startsWith("_") && !name.startsWith(".");
    }).toList();
  }

  private static Dataset<Row> samples(String path) {
    return spark.read().format("npz").option("layout", "sample").load(path);
  }

  private static Dataset<Row> ids(int n, int partitions) {
    return spark.range(0, n).selectExpr("id", "array(cast(id as float), cast(id * 2 as float)) as x")
        .repartition(partitions);
  }

  private static long[] countAndSum(Dataset<Row> df) {
    Row r = df.selectExpr("count(id)", "sum(id)", "count(distinct id)").first();
    assertThat(r.getLong(2)).as("distinct ids").isEqualTo(r.getLong(0));
    return new long[] {r.getLong(0), r.getLong(1)};
  }

  @Test
  void fileLayoutRoundTrip() throws Exception {
    Path in = dir.resolve("in");
    writeXy(in.resolve("a.npz"), 0, 4, false);
    writeXy(in.resolve("b.npz"), 100, 2, true);
    Dataset<Row> src = spark.read().format("npz").load(in.toString());
    Path out = dir.resolve("out");
    src.coalesce(1).write().format("npz").option("compression", "deflate").save(out.toString());
    // one task, two rows: Spark's part file and one beside it
    assertThat(dataFiles(out)).hasSize(2).allMatch(n -> n.startsWith("part-00000-") && n.endsWith(".npz"))
        .anyMatch(n -> n.endsWith("-c000.npz")).anyMatch(n -> n.endsWith("-c000-r00001.npz"));
    assertThat(files(out)).contains("_SUCCESS").noneMatch(n -> n.contains("_temporary"));
    Dataset<Row> back = spark.read().format("npz").load(out.toString());
    assertThat(back.schema()).isEqualTo(src.schema());
    assertThat(back.drop("path").orderBy("y").collectAsList()).isEqualTo(src.drop("path").orderBy("y").collectAsList());
    assertThat(back.orderBy("y").first().getList(2)).containsExactly(4L, 3L);
  }

  @Test
  void fileLayoutWithMaxRecordsPerFileOneUsesSparksNames() throws Exception {
    Path out = dir.resolve("one");
    Map<String, Long> written = writeMetrics(() -> ids(6, 2).write().format("npz").option("maxRecordsPerFile", "1")
        .save(out.toString()));
    assertThat(dataFiles(out)).hasSize(6).allMatch(n -> n.matches("part-0000[01]-.*-c00[0-9]\\.npz"));
    assertThat(written).containsEntry(WriteMetrics.FILES, 6L).containsEntry(WriteMetrics.ARRAYS, 12L);
    assertThat(written.get(WriteMetrics.BYTES)).isEqualTo(dataFiles(out).stream()
        .mapToLong(n -> out.resolve(n).toFile().length()).sum());
    assertThat(countAndSum(spark.read().format("npz").load(out.toString())
        .selectExpr("id[0] as id"))).containsExactly(6, 15);
  }

  @Test
  void sampleLayoutRoundTripAndSaveModes() throws Exception {
    Dataset<Row> df = spark.range(0, 1000).selectExpr("cast(id as int) as label",
        "array(cast(id as float), cast(id * 2 as float)) as x", "cast(id as string) as name").repartition(3);
    Path out = dir.resolve("samples");
    String p = out.toString();
    df.write().format("npz").option("layout", "sample").save(p);
    assertThat(dataFiles(out)).hasSize(3);
    Dataset<Row> back = samples(p);
    assertThat(back.schema().simpleString())
        .isEqualTo("struct<path:string,index:bigint,label:int,x:array<float>,name:string>");
    assertThat(back.orderBy("label").drop("path", "index").collectAsList())
        .isEqualTo(df.orderBy("label").collectAsList());

    assertThatThrownBy(() -> df.write().format("npz").option("layout", "sample").save(p))
        .hasMessageContaining("[PATH_ALREADY_EXISTS] Path file:" + out + " already exists.");
    df.limit(5).write().format("npz").mode(SaveMode.Ignore).option("layout", "sample").save(p);
    assertThat(samples(p).count()).isEqualTo(1000);
    df.limit(5).write().format("npz").mode(SaveMode.Append).option("layout", "sample").save(p);
    assertThat(samples(p).count()).isEqualTo(1005);
    df.limit(7).coalesce(1).write().format("npz").mode(SaveMode.Overwrite).option("layout", "sample").save(p);
    assertThat(dataFiles(out)).hasSize(1);
    assertThat(samples(p).count()).isEqualTo(7);
  }

  @Test
  void partitionByAndDynamicPartitionOverwrite() throws Exception {
    String p = dir.resolve("parts").toString();
    Dataset<Row> df = spark.range(0, 300).selectExpr("id", "array(id, -id) as v", "cast(id % 3 as int) as k");
    df.write().format("npz").option("layout", "sample").partitionBy("k").save(p);
    assertThat(dataFiles(dir.resolve("parts"))).allMatch(n -> n.matches("k=[012]/part-.*\\.npz"));
    Dataset<Row> two = samples(p).filter("k = 2").selectExpr("v[0] as id", "k");
    assertThat(countAndSum(two)).containsExactly(100, df.filter("k = 2").selectExpr("sum(id)").first().getLong(0));
    Map<String, Long> m = scanMetrics(samples(p).filter("k = 2").select("v"));
    assertThat(m.get(NpzMetrics.FILES_PLANNED)).isEqualTo(dataFiles(dir.resolve("parts/k=2")).size());

    // dynamic: only k=1 is replaced, k=0 and k=2 stay
    spark.range(1000, 1010).selectExpr("id", "array(id, -id) as v", "1 as k").write().format("npz")
        .option("layout", "sample").option("partitionOverwriteMode", "dynamic").mode(SaveMode.Overwrite)
        .partitionBy("k").save(p);
    Dataset<Row> after = samples(p).selectExpr("v[0] as id", "k");
    assertThat(after.filter("k = 1").selectExpr("min(id)", "count(id)").first()).isEqualTo(org.apache.spark.sql.RowFactory.create(1000L, 10L));
    assertThat(after.filter("k = 0").count()).isEqualTo(100);
    assertThat(after.filter("k = 2").count()).isEqualTo(100);
    assertThat(files(dir.resolve("parts"))).noneMatch(n -> n.contains(".spark-staging") || n.contains("_temporary"));

    // file layout: the per-row files beside Spark's part file move with their partition folder
    String f = dir.resolve("file-parts").toString();
    spark.range(0, 12).selectExpr("array(id) as v", "cast(id % 2 as int) as k").coalesce(1).write().format("npz")
        .partitionBy("k").save(f);
    spark.range(100, 106).selectExpr("array(id) as v", "1 as k").coalesce(1).write().format("npz")
        .option("partitionOverwriteMode", "dynamic").mode(SaveMode.Overwrite).partitionBy("k").save(f);
    assertThat(dataFiles(dir.resolve("file-parts/k=1"))).hasSize(6).anyMatch(n -> n.endsWith("c000-r00005.npz"));
    Dataset<Row> rows = spark.read().format("npz").load(f).selectExpr("v[0] as id", "k");
    assertThat(countAndSum(rows.filter("k = 1"))).containsExactly(6, 100 + 101 + 102 + 103 + 104 + 105);
    assertThat(countAndSum(rows.filter("k = 0"))).containsExactly(6, 0 + 2 + 4 + 6 + 8 + 10);
    assertThat(files(dir.resolve("file-parts"))).noneMatch(n -> n.contains(".spark-staging") || n.contains("_temporary"));
  }

  @Test
  void taskFailingMidWriteLeavesOldContentsAndNoStaging() throws Exception {
    for (String layout : List.of("sample", "file")) {
      Path out = dir.resolve("fail-" + layout);
      String p = out.toString();
      ids(20, 2).write().format("npz").option("layout", layout).save(p);
      List<String> before = dataFiles(out);
      Dataset<Row> bad = ids(200, 4).selectExpr("failAt77(id) as id", "x");
      assertThatThrownBy(() -> bad.write().format("npz").option("layout", layout).mode(SaveMode.Append).save(p))
          .hasStackTraceContaining("injected failure at id 77");
      assertThat(dataFiles(out)).as("append failed: the old files only").isEqualTo(before);
      assertThat(files(out)).noneMatch(n -> n.contains("_temporary") || n.contains("spark-staging"));
      Dataset<Row> read = layout.equals("sample") ? samples(p) : spark.read().format("npz").load(p)
          .selectExpr("id[0] as id");
      assertThat(countAndSum(read)).containsExactly(20, 190);
    }
  }

  @Test
  void failedOverwriteBehavesAsParquet() throws Exception {
    for (String format : List.of("npz", "parquet")) { // parquet ignores the layout option
      Path out = dir.resolve("overwrite-" + format);
      String p = out.toString();
      ids(20, 2).write().format(format).option("layout", "sample").save(p);
      Dataset<Row> bad = ids(200, 4).selectExpr("failAt77(id) as id", "x");
      assertThatThrownBy(() -> bad.write().format(format).option("layout", "sample").mode(SaveMode.Overwrite).save(p))
          .hasStackTraceContaining("injected failure at id 77");
      assertThat(dataFiles(out)).as("%s: Spark's static overwrite deletes the old files before the job", format)
          .isEmpty();
      assertThat(files(out)).noneMatch(n -> n.contains("_temporary"));
    }
  }

  @Test
  void retriedTaskWritesEachRowOnce() throws Exception {
    for (String layout : List.of("sample", "file")) {
      String p = dir.resolve("retry-" + layout).toString();
      int n = layout.equals("sample") ? 2000 : 120;
      ids(n, 4).selectExpr("failFirstAttemptAt50(id) as id", "x").write().format("npz").option("layout", layout)
          .save(p);
      Dataset<Row> read = layout.equals("sample") ? samples(p) : spark.read().format("npz").load(p)
          .selectExpr("id[0] as id");
      assertThat(countAndSum(read)).as(layout).containsExactly(n, (long) n * (n - 1) / 2);
    }
  }

  @Test
  void badRowsFailTheJobAndLeaveNothing() throws Exception {
    Dataset<Row> df = spark.range(0, 100).selectExpr("id",
        "case when id = 77 then null else array(id) end as x").repartition(2);
    Path out = dir.resolve("failed");
    assertThatThrownBy(() -> df.write().format("npz").option("layout", "sample").save(out.toString()))
        .hasStackTraceContaining("Cannot write column 'x' in row")
        .hasStackTraceContaining("null values cannot be stored in .npy arrays");
    assertThat(dataFiles(out)).isEmpty();
    assertThat(files(out)).noneMatch(n -> n.contains("_temporary"));
  }

  @Test
  void schemaProblemsFailOnTheDriverBeforeAnyTask() {
    Dataset<Row> two = spark.range(0, 3).selectExpr("id", "id * 2 as y");
    assertThatThrownBy(() -> two.write().format("npy").save(dir.resolve("npy").toString()))
        .hasMessageContaining("Cannot write .npy: one array column is needed, found [id, y]");
    Dataset<Row> none = spark.range(0, 3).selectExpr("cast(id as string) as path");
    assertThatThrownBy(() -> none.write().format("npz").save(dir.resolve("none").toString()))
        .hasMessageContaining("Cannot write npz: no array columns in struct<path:string>");
    assertThat(dir.resolve("npy").toFile().list()).isNullOrEmpty();
  }

  /** The write job's accumulators, by name, summed over the stages of {@code write}. */
  private static Map<String, Long> writeMetrics(Runnable write) throws Exception {
    Map<String, Long> out = new ConcurrentHashMap<>();
    SparkListener l = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted e) {
        CollectionConverters.asJava(e.stageInfo().accumulables()).values().forEach(a -> {
          if (a.name().isDefined() && a.name().get().startsWith("npz ") && a.value().isDefined()) {
            out.merge(a.name().get(), Long.parseLong(a.value().get().toString()), Long::sum);
          }
        });
      }
    };
    spark.sparkContext().addSparkListener(l);
    try {
      write.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(l);
    }
    return out;
  }
}
