package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpzWriter;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Sample-layout reads as column batches ({@link SampleBatchReader}) against the same reads as rows
 * (whole-stage code generation off, which keeps the scan row-based) and against the values the
 * files were written with: every fixed-size dtype, scalars and slices of rank 2 and 3, more rows
 * than one batch, whole files and byte-range splits, stored and deflated members, partition
 * columns, the path and index columns, and aggregates compiled over the batches.
 */
class TestNpzSparkBatches extends SparkTestBase {
  /** More than two batches of {@link SampleBatchReader#BATCH_ROWS}. */
  private static final int ROWS = 2 * SampleBatchReader.BATCH_ROWS + 123;

  @TempDir
  Path dir;

  @Test
  void batchesHoldTheWrittenValuesOfEveryFixedSizeDtype() throws Exception {
    Path root = dir.resolve("t");
    write(root.resolve("part=1/a.npz"), 0, false);
    write(root.resolve("part=2/b.npz"), 1, true);
    for (String split : List.of("128m", "100000")) {
      Supplier<Dataset<Row>> read = () -> spark.read().format("npz").option("layout", "sample")
          .option("arrays", "b1,i1,i2,u2,u4,i8,f2,f8,u1s,i4s,f4s").option("maxPartitionBytes", split)
          .load(root.toString());
      Dataset<Row> batches = read.get();
      assertThat(columnar(batches)).as("vectorized scan, splits of %s", split).isTrue();
      List<Row> got = batches.orderBy("part", "index").collectAsList();
      assertThat(got).hasSize(2 * ROWS);
      for (Row r : got) {
        int k = r.getInt(r.fieldIndex("part")) - 1;
        int i = (int) r.getLong(r.fieldIndex("index"));
        String at = "file " + k + " row " + i + ", splits of " + split;
        assertThat(r.getString(r.fieldIndex("path"))).as(at).endsWith(k == 0 ? "part=1/a.npz" : "part=2/b.npz");
        assertThat(r.getBoolean(r.fieldIndex("b1"))).as(at).isEqualTo((i + k) % 3 == 0);
        assertThat(r.getByte(r.fieldIndex("i1"))).as(at).isEqualTo((byte) (i - 100 + k));
        assertThat(r.getShort(r.fieldIndex("i2"))).as(at).isEqualTo((short) (-7 * i + k));
        assertThat(r.getInt(r.fieldIndex("u2"))).as(at).isEqualTo((60000 + i + k) & 0xffff);
        assertThat(r.getLong(r.fieldIndex("u4"))).as(at).isEqualTo(4_000_000_000L + i + k);
        assertThat(r.getLong(r.fieldIndex("i8"))).as(at).isEqualTo(-1_000_000_007L * i + k);
        assertThat(r.getFloat(r.fieldIndex("f2"))).as(at).isEqualTo((i + k) % 2048 / 4f);
        assertThat(r.getDouble(r.fieldIndex("f8"))).as(at).isEqualTo(i * 1e-3 + k);
        assertThat(r.getList(r.fieldIndex("u1s"))).as(at).containsExactly((short) (i + k & 0xff), (short) 255);
        assertThat(r.getList(r.fieldIndex("i4s"))).as(at).containsExactly(i + k, -i, Integer.MIN_VALUE);
        assertThat(r.getList(r.fieldIndex("f4s"))).as(at)
            .containsExactly(i + 0.5f, (float) k, -i - 0.25f, Float.MAX_VALUE);
      }
      assertThat(got).as("rows as batches vs rows, splits of %s", split)
          .isEqualTo(rowsOf(() -> read.get().orderBy("part", "index")));
      String[] aggs = {"sum(i8)", "sum(size(f4s))", "sum(f4s[2])", "max(u1s[0])", "sum(cast(b1 as int))",
          "sum(f2)", "count(*)", "sum(part)", "min(index)", "max(index)", "count(distinct path)"};
      Dataset<Row> agg = read.get().selectExpr(aggs);
      assertThat(columnar(agg)).isTrue();
      Row sums = agg.first();
      assertThat(sums.getLong(0)).isEqualTo(2 * -1_000_000_007L * ((long) ROWS * (ROWS - 1) / 2) + ROWS);
      assertThat(sums.getLong(1)).isEqualTo(2L * ROWS * 4);
      assertThat(sums.getLong(6)).isEqualTo(2L * ROWS);
      assertThat(sums.getLong(10)).isEqualTo(2);
      assertThat(sums).isEqualTo(rowsOf(() -> read.get().selectExpr(aggs)).get(0));
    }
  }

  @Test
  void readsThatAreNotAllFixedSizeStayRows() throws Exception {
    Path root = dir.resolve("mixed");
    write(root.resolve("a.npz"), 0, false);
    Dataset<Row> withUint64 = spark.read().format("npz").option("layout", "sample").load(root.toString());
    assertThat(columnar(withUint64)).as("a uint64 (decimal) column").isFalse();
    assertThat(columnar(withUint64.select("i8", "f4s"))).as("pruned to fixed-size columns").isTrue();
    assertThat(columnar(spark.read().format("npz").load(root.toString()))).as("file layout").isFalse();
  }

  @Test
  void fortranOrderGoldenArrayByRow() throws Exception {
    // numpy's own file (../shared/golden): g_fortran is np.arange(12).reshape(3, 4) stored in Fortran
    // order; row r of the sample layout is its C-order row r.
    Path f = dir.resolve("golden/savez_named.npz");
    Files.createDirectories(f.getParent());
    Files.copy(io.s3dlio.npz.format.TestGoldenFiles.GOLDEN.resolve("generated/savez_named.npz"), f,
        StandardCopyOption.REPLACE_EXISTING);
    Dataset<Row> df = spark.read().format("npz").option("layout", "sample").option("arrays", "g_fortran")
        .load(f.getParent().toString()).select("index", "g_fortran");
    assertThat(columnar(df)).isTrue();
    List<Row> got = df.orderBy("index").collectAsList();
    assertThat(got).hasSize(3);
    for (int r = 0; r < 3; r++) {
      assertThat(got.get(r).getList(1)).containsExactly(4 * r, 4 * r + 1, 4 * r + 2, 4 * r + 3);
    }
  }

  /** Whether the scan of {@code df} reads column batches. */
  private static boolean columnar(Dataset<Row> df) {
    List<SparkPlan> scans = CollectionConverters.asJava(df.queryExecution().executedPlan().collectLeaves()).stream()
        .filter(p -> p instanceof BatchScanExec).toList();
    assertThat(scans).hasSize(1);
    return scans.get(0).supportsColumnar();
  }

  /** The rows of the query {@code df} makes, run with whole-stage code generation off: a row-based scan. */
  private static List<Row> rowsOf(Supplier<Dataset<Row>> df) {
    spark.conf().set("spark.sql.codegen.wholeStage", "false");
    try {
      Dataset<Row> rows = df.get();
      assertThat(columnar(rows)).as("the reference read is row-based").isFalse();
      return rows.collectAsList();
    } finally {
      spark.conf().unset("spark.sql.codegen.wholeStage");
    }
  }

  /**
   * An .npz of {@link #ROWS} samples: one array of each fixed-size dtype (scalars per sample),
   * slices of rank 2 and 3, and a uint64 (a decimal, not fixed-size); {@code k} shifts the values.
   */
  private static void write(Path f, int k, boolean deflate) throws Exception {
    Files.createDirectories(f.getParent());
    int n = ROWS;
    ByteBuffer b1 = le(n);
    ByteBuffer i1 = le(n);
    ByteBuffer i2 = le(n * 2);
    ByteBuffer u2 = le(n * 2);
    ByteBuffer u4 = le(n * 4);
    ByteBuffer i8 = le(n * 8);
    ByteBuffer f2 = le(n * 2);
    ByteBuffer f8 = le(n * 8);
    ByteBuffer u8 = le(n * 8);
    ByteBuffer u1s = le(n * 2);
    ByteBuffer i4s = le(n * 3 * 4);
    ByteBuffer f4s = le(n * 4 * 4);
    for (int i = 0; i < n; i++) {
      b1.put((byte) ((i + k) % 3 == 0 ? 1 : 0));
      i1.put((byte) (i - 100 + k));
      i2.putShort((short) (-7 * i + k));
      u2.putShort((short) (60000 + i + k));
      u4.putInt((int) (4_000_000_000L + i + k));
      i8.putLong(-1_000_000_007L * i + k);
      f2.putShort(half((i + k) % 2048 / 4f));
      f8.putDouble(i * 1e-3 + k);
      u8.putLong(-1L - i);
      u1s.put((byte) (i + k)).put((byte) 255);
      i4s.putInt(i + k).putInt(-i).putInt(Integer.MIN_VALUE);
      f4s.putFloat(i + 0.5f).putFloat(k).putFloat(-i - 0.25f).putFloat(Float.MAX_VALUE);
    }
    try (OutputStream out = Files.newOutputStream(f);
        NpzWriter w = deflate ? NpzWriter.deflated(out, 1) : NpzWriter.stored(out)) {
      w.add("b1", new NpyArray(NpyDtype.of('b', 1), new long[] {n}, b1.array()));
      w.add("i1", new NpyArray(NpyDtype.of('i', 1), new long[] {n}, i1.array()));
      w.add("i2", new NpyArray(NpyDtype.of('i', 2), new long[] {n}, i2.array()));
      w.add("u2", new NpyArray(NpyDtype.of('u', 2), new long[] {n}, u2.array()));
      w.add("u4", new NpyArray(NpyDtype.of('u', 4), new long[] {n}, u4.array()));
      w.add("i8", new NpyArray(NpyDtype.of('i', 8), new long[] {n}, i8.array()));
      w.add("f2", new NpyArray(NpyDtype.of('f', 2), new long[] {n}, f2.array()));
      w.add("f8", new NpyArray(NpyDtype.of('f', 8), new long[] {n}, f8.array()));
      w.add("u8", new NpyArray(NpyDtype.of('u', 8), new long[] {n}, u8.array()));
      w.add("u1s", new NpyArray(NpyDtype.of('u', 1), new long[] {n, 2}, u1s.array()));
      w.add("i4s", new NpyArray(NpyDtype.of('i', 4), new long[] {n, 3}, i4s.array()));
      w.add("f4s", new NpyArray(NpyDtype.of('f', 4), new long[] {n, 2, 2}, f4s.array()));
    }
  }

  /** {@code v} as IEEE binary16: exact for the quarter-steps in [0, 512) used here (normal or zero). */
  private static short half(float v) {
    if (v == 0) {
      return 0;
    }
    int e = Math.getExponent(v);
    int m = Math.round((v / Math.scalb(1f, e) - 1f) * 1024f);
    return (short) ((e + 15) << 10 | m);
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
