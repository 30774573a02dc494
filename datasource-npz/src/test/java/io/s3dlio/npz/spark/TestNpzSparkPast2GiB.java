package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Offsets past 2^31, read through the Spark source with row-range splits, from files of 2.15 GB
 * that are sparse on disk, made by src/test/resources/past_2gib.py and read back there by numpy
 * and zipfile (independent readers). The rows that are not holes hold
 * {@code v[r][j] = r * 1e6 + j} (int64, the last 4 of 2050 rows).
 *
 * <p>{@code split.npz} (zip64, stored): members {@code a}, {@code b}, int64 (2050, 65536), 512 KiB a
 * row, 1.07 GB each; {@code b} starts before 2^31, its row 2045 straddles it, rows 2046.. follow; then
 * {@code x} and {@code y}, wholly past 2^31 (local headers found through the zip64 extra field).
 * Each read is split into 64 MiB byte ranges (33 splits). {@code x} and {@code y} are read in full
 * (every split, without fetching {@code a} or {@code b}) and equal numpy's values. The rows of
 * {@code b} are read for the splits near and past 2^31 only (the others are not run, so the test
 * stays CI-sized) and checked against the formula and the holes' zeros.
 *
 * <p>{@code big.npy} (numpy's own file): {@code array} int64 (2050, 131072), 1 MiB a row, 2.15 GB: its
 * rows near and past 2^31 are read in row ranges and checked; the whole array in one piece (file
 * layout) is more than a JVM array holds and is refused naming the file, the offset and the cause.
 */
class TestNpzSparkPast2GiB extends SparkTestBase {
  private static final long TWO_GIB = 1L << 31;
  private static final int ROWS = 2050;
  private static final int NPY_ROW = 131072;
  private static final int NPZ_ROW = 65536;
  private static final String SPLIT = "64m";

  @TempDir
  static Path dir;

  private static JsonNode numpy;

  @BeforeAll
  static void writeFiles() throws Exception {
    numpy = NumpyScripts.run("past_2gib.py", dir.toString(), String.valueOf(ROWS));
    assertThat(numpy.get("npy_size").asLong()).isGreaterThan(TWO_GIB + 1_000_000);
    assertThat(numpy.get("offsets").get("x").asLong()).isGreaterThan(TWO_GIB);
    assertThat(numpy.get("offsets").get("y").asLong()).isGreaterThan(TWO_GIB);
  }

  private static Dataset<Row> read(String format, String file) {
    return spark.read().format(format).option("layout", "sample").option("maxPartitionBytes", SPLIT)
        .load(dir.resolve(file).toString());
  }

  @Test
  void npzMembersPastTwoGiBReadInEverySplitAsNumpyReadsThem() {
    Dataset<Row> df = read("npz", "split.npz").select("index", "x", "y");
    List<Row> rows = new ArrayList<>(df.collectAsList());
    rows.sort((p, q) -> Long.compare(p.getLong(0), q.getLong(0)));
    assertThat(rows).hasSize(ROWS);
    JsonNode x = numpy.get("x");
    JsonNode y = numpy.get("y");
    for (int r = 0; r < ROWS; r++) {
      Row row = rows.get(r);
      assertThat(row.getLong(0)).isEqualTo(r);
      List<Double> xs = row.getList(1);
      List<Double> expected = new ArrayList<>();
      x.get(r).forEach(v -> expected.add(v.asDouble()));
      assertThat(xs).as("x[%d]", r).isEqualTo(expected);
      assertThat(row.getLong(2)).as("y[%d]", r).isEqualTo(y.get(r).asLong());
    }
    Map<String, Long> m = metrics(df);
    assertThat(m.get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(splits(numpy.get("npz_size").asLong()));
    assertThat(m.get(NpzMetrics.ROW_RANGE_SPLITS)).isEqualTo(splits(numpy.get("npz_size").asLong()));
    // Per split: the archive's 64 KiB tail (directory), the headers, its rows of x and y. The
    // 1.07 GB members a and b are never fetched (one row of either is 512 KiB, a split of it 64 MiB).
    assertThat(m.get(NpzMetrics.BYTES_READ)).isLessThan(33 * (64L << 10) + (1L << 20));
  }

  @Test
  void npzRowsOfAMemberStraddlingTwoGiB() {
    Dataset<Row> df = read("npz", "split.npz")
        .selectExpr("index", "b[0]", "b[" + (NPZ_ROW / 2) + "]", "b[" + (NPZ_ROW - 1) + "]");
    List<Row> rows = rowsNearAndPastTwoGiB(df, numpy.get("npz_size").asLong());
    long first = rows.get(0).getLong(0);
    // The first of these rows starts before 2^31 in b (as do the ones after it, up to row 2045).
    long bData = numpy.get("offsets").get("b").asLong() + numpy.get("sizes").get("b").asLong()
        - (long) ROWS * NPZ_ROW * 8;
    assertThat(bData + first * NPZ_ROW * 8L).isLessThan(TWO_GIB);
    assertThat(bData + (ROWS - 1) * NPZ_ROW * 8L).isGreaterThan(TWO_GIB);
    assertFormula(rows, NPZ_ROW, "b");
  }

  /**
   * Rows (index, v[0], v[width / 2], v[width - 1]) from the first of {@code rows} on: zeros (holes),
   * then {@code r * 10^6 + j} in the last 4 rows.
   */
  private static void assertFormula(List<Row> rows, int width, String array) {
    long first = rows.get(0).getLong(0);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      long r = first + i;
      assertThat(row.getLong(0)).isEqualTo(r);
      boolean tail = r >= ROWS - 4;
      long base = tail ? r * 1_000_000 : 0;
      assertThat(List.of(row.getLong(1), row.getLong(2), row.getLong(3))).as("%s row %d", array, r)
          .isEqualTo(tail ? List.of(base, base + width / 2, base + width - 1) : List.of(0L, 0L, 0L));
    }
  }

  @Test
  void npyRowsPastTwoGiBReadInRangesAndAWholeReadIsRefusedClearly() {
    Dataset<Row> df = read("npy", "big.npy");
    assertThat(df.count()).as("rows, from the header").isEqualTo(ROWS);
    List<Row> rows = rowsNearAndPastTwoGiB(df.selectExpr("index", "array[0]", "array[" + (NPY_ROW / 2) + "]",
        "array[" + (NPY_ROW - 1) + "]"), numpy.get("npy_size").asLong());
    long first = rows.get(0).getLong(0);
    long rowBytes = NPY_ROW * 8L;
    long dataStart = numpy.get("npy_size").asLong() - ROWS * rowBytes;
    // the first of these rows starts before 2^31, the last ones after it
    assertThat(dataStart + first * rowBytes).isLessThan(TWO_GIB);
    assertThat(dataStart + (ROWS - 1) * rowBytes).isGreaterThan(TWO_GIB);
    assertFormula(rows, NPY_ROW, "array");
    // the whole array in one piece (file layout) is more than a JVM array holds: refused, naming why
    assertThatThrownBy(() -> spark.read().format("npy").load(dir.resolve("big.npy").toString())
        .selectExpr("size(array)").collectAsList())
        .hasStackTraceContaining("big.npy at offset " + dataStart + ": array of " + ROWS * rowBytes
            + " bytes is larger than 2 GiB, which is not supported in one piece (its rows can be read in ranges)");
  }

  /** Number of 64 MiB splits of a file. */
  private static long splits(long size) {
    return (size + (64L << 20) - 1) / (64L << 20);
  }

  /**
   * The rows of the splits that end past 2^31 minus one split (so the rows straddling 2^31 are
   * among them), by index, with every row from the first of them to the last row of the file;
   * the other splits are not run.
   */
  private static List<Row> rowsNearAndPastTwoGiB(Dataset<Row> df, long size) {
    List<Integer> late = new ArrayList<>();
    InputPartition[] partitions = scan(df).scan().toBatch().planInputPartitions();
    assertThat((long) partitions.length).isEqualTo(splits(size));
    for (int i = 0; i < partitions.length; i++) {
      for (PartitionedFile f : ((FilePartition) partitions[i]).files()) {
        if (f.start() + f.length() > TWO_GIB - (64L << 20)) {
          late.add(i);
        }
      }
    }
    assertThat(late).as("splits near and past 2^31").hasSizeGreaterThanOrEqualTo(2);
    List<Row>[] parts = df.javaRDD().collectPartitions(late.stream().mapToInt(Integer::intValue).toArray());
    List<Row> rows = new ArrayList<>();
    for (List<Row> p : parts) {
      rows.addAll(p);
    }
    rows.sort((x, y) -> Long.compare(x.getLong(0), y.getLong(0)));
    assertThat(rows).isNotEmpty();
    long first = rows.get(0).getLong(0);
    assertThat(first).as("first row of the late splits").isLessThan(ROWS - 4);
    assertThat(rows).hasSize((int) (ROWS - first));
    return rows;
  }

  private static BatchScanExec scan(Dataset<Row> df) {
    SparkPlan plan = df.queryExecution().executedPlan();
    List<SparkPlan> scans = CollectionConverters.asJava(plan.collectLeaves()).stream()
        .filter(p -> p instanceof BatchScanExec).toList();
    assertThat(scans).hasSize(1);
    return (BatchScanExec) scans.get(0);
  }
}
