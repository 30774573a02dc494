package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpyWriter;
import io.s3dlio.npz.format.NpzWriter;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestNpzSparkRead extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void fileLayoutOfGoldenArchive() throws Exception {
    Path f = dir.resolve("named/savez_named.npz");
    Files.createDirectories(f.getParent());
    Files.copy(io.s3dlio.npz.format.TestGoldenFiles.GOLDEN.resolve("generated/savez_named.npz"), f,
        StandardCopyOption.REPLACE_EXISTING);
    Dataset<Row> df = spark.read().format("npz").load(f.getParent().toString());
    assertThat(df.schema().fieldNames()).startsWith("path", "a_float32", "a_float32_shape", "a_float32_dtype");
    assertThat(df.schema().apply("b_int64").dataType().simpleString()).isEqualTo("array<bigint>");
    assertThat(df.schema().apply("k_uint8").dataType().simpleString()).isEqualTo("array<smallint>");
    assertThat(df.schema().apply("i_complex64").dataType().simpleString())
        .isEqualTo("array<struct<real:float,imag:float>>");
    Row r = df.select("path", "b_int64", "h_bigendian", "h_bigendian_dtype", "g_fortran", "g_fortran_shape",
        "d_unicode").first();
    assertThat(r.getString(0)).isEqualTo("file:" + f);
    assertThat(r.getList(1)).containsExactly(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE, -6519408338692630574L);
    assertThat(r.getString(3)).isEqualTo(">i4");
    assertThat(r.getList(5)).containsExactly(3L, 4L);
    assertThat(r.getList(4)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(r.<String>getList(6)).contains("h\u00e9llo", "\u65e5\u672c\u8a9e");
  }

  @Test
  void fileLayoutPrunesMembers() throws Exception {
    Path d = dir.resolve("big");
    Files.createDirectories(d);
    for (int k = 0; k < 2; k++) {
      byte[] big = new byte[4 << 20];
      try (OutputStream out = Files.newOutputStream(d.resolve("f" + k + ".npz")); NpzWriter w = NpzWriter.stored(out)) {
        w.add("big", new NpyArray(NpyDtype.of('u', 1), new long[] {big.length}, big));
        w.add("label", new NpyArray(NpyDtype.of('i', 4), new long[] {1}, new byte[] {(byte) k, 0, 0, 0}));
      }
    }
    Dataset<Row> pruned = spark.read().format("npz").load(d.toString()).select("label", "big_shape");
    List<Row> rows = new java.util.ArrayList<>(pruned.collectAsList());
    rows.sort(java.util.Comparator.comparing(r -> r.<Integer>getList(0).get(0)));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).getList(0)).containsExactly(1);
    assertThat(rows.get(1).getList(1)).containsExactly(4194304L);
    Map<String, Long> m = metrics(pruned);
    assertThat(m.get(NpzMetrics.BYTES_READ)).as("bytes fetched without the big member").isLessThan(200_000);
    assertThat(m.get(NpzMetrics.FILES_READ)).isEqualTo(2);
    assertThat(m.get(NpzMetrics.ARRAYS_READ)).as("label only; big_shape is a header").isEqualTo(2);
    // per file: the zip directory, the label member, the big member's header
    assertThat(m.get(NpzMetrics.RANGED_READS)).isEqualTo(6);
    Dataset<Row> all = spark.read().format("npz").load(d.toString()).selectExpr("size(big)");
    long sum = all.collectAsList().stream().mapToLong(x -> x.getInt(0)).sum();
    assertThat(sum).isEqualTo(2L * (4 << 20));
    assertThat(scanMetrics(all).get(NpzMetrics.BYTES_READ)).isGreaterThan(2L * (4 << 20));
  }

  @Test
  void smallFilesAreFetchedWholeInOneRead() throws Exception {
    // Files of at most 64 KiB read whole: one read of exactly the file each, stored or deflated
    // members alike, values as written; a file one byte over the limit keeps its ranged reads.
    Path d = dir.resolve("small");
    Files.createDirectories(d);
    long smallBytes = 0;
    for (int k = 0; k < 3; k++) {
      Path f = d.resolve("f" + k + ".npz");
      writeSized(f, k, 1000, k == 2);
      smallBytes += Files.size(f);
    }
    Dataset<Row> df = spark.read().format("npz").load(d.toString()).select("x", "y", "x_shape");
    List<Row> rows = new java.util.ArrayList<>(df.collectAsList());
    rows.sort(java.util.Comparator.comparing(r -> r.<Long>getList(1).get(0)));
    assertThat(rows).hasSize(3);
    for (int k = 0; k < 3; k++) {
      assertThat(rows.get(k).<Long>getList(1)).containsExactly((long) k);
      assertThat(rows.get(k).<Integer>getList(0)).hasSize(1000).startsWith(k * 1000, k * 1000 + 1)
          .endsWith(k * 1000 + 999);
      assertThat(rows.get(k).<Long>getList(2)).containsExactly(1000L);
    }
    Map<String, Long> m = metrics(df);
    assertThat(m.get(NpzMetrics.FILES_READ)).isEqualTo(3);
    assertThat(m.get(NpzMetrics.RANGED_READS)).as("one read per file").isEqualTo(3);
    assertThat(m.get(NpzMetrics.BYTES_READ)).as("each file once, whole").isEqualTo(smallBytes);

    Path over = dir.resolve("over");
    Files.createDirectories(over);
    int n = 1000;
    writeSized(over.resolve("f.npz"), 0, n, false);
    while (Files.size(over.resolve("f.npz")) <= HadoopRangeSource.WHOLE_FILE_MAX) {
      n += 1000;
      writeSized(over.resolve("f.npz"), 0, n, false);
    }
    Dataset<Row> big = spark.read().format("npz").load(over.toString()).select("x", "y");
    assertThat(big.collectAsList().get(0).<Integer>getList(0)).hasSize(n);
    // the zip directory (its tail read), then each of the two members
    assertThat(metrics(big).get(NpzMetrics.RANGED_READS)).isEqualTo(3);
  }

  @Test
  void sparkInputMetricsCountTheBytesReadFromLocalFiles() throws Exception {
    // Hadoop's file:// reads through RawLocalInput, not RawLocalFileSystem.open: Spark's task input
    // metrics (bytes read, from the FileSystem statistics) still count every byte fetched, for
    // small files read whole and for ranges of a larger one.
    Path d = dir.resolve("metrics");
    Files.createDirectories(d);
    long sizes = 0;
    for (int k = 0; k < 3; k++) {
      writeSized(d.resolve("f" + k + ".npz"), k, 100, false);
      sizes += Files.size(d.resolve("f" + k + ".npz"));
    }
    writeSized(d.resolve("big.npz"), 3, 40_000, false); // 160 KB: a tail read and one ranged read of y
    java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          bytesRead.addAndGet(end.taskMetrics().inputMetrics().bytesRead());
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      Dataset<Row> df = spark.read().format("npz").load(d.toString()).select("y");
      assertThat(df.collectAsList()).hasSize(4);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      Map<String, Long> m = metrics(df);
      assertThat(m.get(NpzMetrics.BYTES_READ)).isGreaterThan(sizes);
      assertThat(bytesRead.get()).as("Spark's input metrics").isEqualTo(m.get(NpzMetrics.BYTES_READ));
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void wholeNpzReadsLeaveTheChecksumSidecarToTheZipCrc() throws Exception {
    // Files written through Hadoop's LocalFileSystem get a .crc sidecar; each is then rewritten in
    // place, same length, other values, so that its sidecar no longer matches (stale).
    Path npz = dir.resolve("npz");
    Path npy = dir.resolve("npy");
    writeXy(dir.resolve("one.npz"), 1, 4, false);
    writeXy(dir.resolve("two.npz"), 2, 4, false);
    writeStale(npz.resolve("a.npz"), Files.readAllBytes(dir.resolve("one.npz")),
        Files.readAllBytes(dir.resolve("two.npz")));
    writeStale(npy.resolve("a.npy"), NpyWriter.toBytes(int64(1)), NpyWriter.toBytes(int64(2)));
    assertThat(npz.resolve(".a.npz.crc")).exists();
    var npzSchema = spark.read().format("npz").load(dir.resolve("one.npz").toString()).schema();
    Files.write(dir.resolve("one.npy"), NpyWriter.toBytes(int64(1)));
    var npySchema = spark.read().format("npy").load(dir.resolve("one.npy").toString()).schema();

    // An .npz read whole: every member used is checked against its zip CRC-32, the sidecar is not read.
    Dataset<Row> y = spark.read().format("npz").schema(npzSchema).load(npz.toString()).select("y");
    assertThat(y.collectAsList().get(0).<Long>getList(0)).containsExactly(2L, 3L, 4L, 5L);
    // An .npy has no checksum of its own: read through the checksum layer, which finds the mismatch.
    assertThatThrownBy(() -> spark.read().format("npy").schema(npySchema).load(npy.toString()).collectAsList())
        .hasStackTraceContaining("org.apache.hadoop.fs.ChecksumException: Checksum error: file:" + npy.resolve("a.npy"));
    // A member damaged in place (x[0][0] = 2.0f, its bytes 00 00 00 40): the zip CRC-32 finds it.
    Path bad = dir.resolve("bad/a.npz");
    Files.createDirectories(bad.getParent());
    byte[] b = Files.readAllBytes(dir.resolve("two.npz"));
    int at = indexOf(b, new byte[] {0, 0, 0, 0x40});
    b[at + 3] = 0x41;
    Files.write(bad, b);
    assertThatThrownBy(() -> spark.read().format("npz").schema(npzSchema).load(bad.getParent().toString())
        .select("x").collectAsList()).hasStackTraceContaining("CRC-32 mismatch");
  }

  private static void writeStale(Path f, byte[] first, byte[] then) throws Exception {
    org.apache.hadoop.fs.LocalFileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(
        new org.apache.hadoop.conf.Configuration());
    try (OutputStream out = local.create(new org.apache.hadoop.fs.Path(f.toUri()))) {
      out.write(first);
    }
    assertThat(then).hasSameSizeAs(first);
    Files.write(f, then);
  }

  private static NpyArray int64(long v) {
    byte[] b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    return new NpyArray(NpyDtype.of('i', 8), new long[] {1}, b);
  }

  private static int indexOf(byte[] b, byte[] what) {
    for (int i = 0; i + what.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
        return i;
      }
    }
    throw new AssertionError("pattern not found");
  }

  /** x: int32 k*n .. k*n+n-1, y: int64 [k]. */
  private static void writeSized(Path f, int k, int n, boolean deflate) throws Exception {
    byte[] x = new byte[n * 4];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(x).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putInt(k * n + i);
    }
    byte[] y = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(k).array();
    try (OutputStream out = Files.newOutputStream(f);
        NpzWriter w = deflate ? NpzWriter.deflated(out, 6) : NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.of('i', 4), new long[] {n}, x));
      w.add("y", new NpyArray(NpyDtype.of('i', 8), new long[] {1}, y));
    }
  }

  @Test
  void sampleLayoutSplitsStoredFilesByRows() throws Exception {
    Path d = dir.resolve("xy");
    writeXy(d.resolve("a.npz"), 0, 100, false);
    writeXy(d.resolve("b.npz"), 1000, 50, false);
    writeXy(d.resolve("c.npz"), 5000, 30, true);
    Dataset<Row> whole = spark.read().format("npz").option("layout", "sample").load(d.toString());
    assertThat(whole.schema().simpleString()).isEqualTo("struct<path:string,index:bigint,x:array<float>,y:bigint>");
    Dataset<Row> split = spark.read().format("npz").option("layout", "sample").option("maxPartitionBytes", "256")
        .load(d.toString());
    Map<String, Long> m = scanMetrics(split);
    // a.npz (1,706 bytes) and b.npz split into byte ranges of 256; c.npz is deflated: whole
    assertThat(m.get(NpzMetrics.PARTITIONS_PLANNED)).isGreaterThan(5);
    assertThat(m.get(NpzMetrics.FILES_OPENED_TO_PLAN)).isEqualTo(3);
    assertThat(m.get(NpzMetrics.ROW_RANGE_SPLITS)).isEqualTo(m.get(NpzMetrics.PARTITIONS_PLANNED) - 1);
    for (Dataset<Row> df : List.of(whole, split)) {
      List<Row> rows = df.orderBy("y").collectAsList();
      assertThat(rows).hasSize(180);
      Row r = rows.get(130); // b.npz row 30
      assertThat(r.getString(0)).endsWith("/b.npz");
      assertThat(r.getLong(1)).isEqualTo(30);
      assertThat(r.getList(2)).containsExactly(1300f, 1301f, 1302f);
      assertThat(r.getLong(3)).isEqualTo(1030);
      assertThat(rows.get(179).getLong(3)).isEqualTo(5029);
      assertThat(rows.get(179).getList(2)).containsExactly(5290f, 5291f, 5292f);
    }
    assertThat(split.select("y").count()).isEqualTo(180);
    assertThat(split.filter("index = 7").select("y").orderBy("y").collectAsList()).extracting(x -> x.getLong(0))
        .containsExactly(7L, 1007L, 5007L);
  }

  @Test
  void sampleLayoutRowsOfEveryWriterPath() throws Exception {
    // Rows written straight into Spark's row format (float64 slices, int16 and float32 scalars)
    // and generic rows (a uint8 slice, a uint64 scalar: variable-size Spark values) hold the same
    // values, whichever arrays a query reads; every row is kept (the straight rows share one
    // reused buffer, which Spark must copy).
    Path f = dir.resolve("mixed/m.npz");
    Files.createDirectories(f.getParent());
    int rows = 40;
    java.nio.ByteBuffer a = le(rows * 3 * 8);
    java.nio.ByteBuffer b = le(rows * 2);
    java.nio.ByteBuffer c = le(rows * 8);
    java.nio.ByteBuffer d = le(rows * 2);
    java.nio.ByteBuffer e = le(rows * 4);
    for (int i = 0; i < rows; i++) {
      a.putDouble(i + 0.25).putDouble(-i).putDouble(i * 1e300);
      b.put((byte) (200 + i)).put((byte) i);
      c.putLong(-1L - i); // uint64 2^64 - 1 - i
      d.putShort((short) (-300 * i));
      e.putFloat(i / 4f);
    }
    try (OutputStream out = Files.newOutputStream(f); NpzWriter w = NpzWriter.stored(out)) {
      w.add("a", new NpyArray(NpyDtype.of('f', 8), new long[] {rows, 3}, a.array()));
      w.add("b", new NpyArray(NpyDtype.of('u', 1), new long[] {rows, 2}, b.array()));
      w.add("c", new NpyArray(NpyDtype.of('u', 8), new long[] {rows}, c.array()));
      w.add("d", new NpyArray(NpyDtype.of('i', 2), new long[] {rows}, d.array()));
      w.add("e", new NpyArray(NpyDtype.of('f', 4), new long[] {rows}, e.array()));
    }
    java.math.BigInteger max = java.math.BigInteger.TWO.pow(64).subtract(java.math.BigInteger.ONE);
    for (String arrays : List.of("a,d,e", "a,b,c,d,e")) {
      for (String split : List.of("128m", "700")) {
        Dataset<Row> df = spark.read().format("npz").option("layout", "sample").option("arrays", arrays)
            .option("maxPartitionBytes", split).load(f.getParent().toString());
        List<Row> got = df.orderBy("index").collectAsList();
        assertThat(got).as("%s, splits of %s", arrays, split).hasSize(rows);
        for (int i = 0; i < rows; i++) {
          Row r = got.get(i);
          String at = arrays + " row " + i + " splits of " + split;
          assertThat(r.getLong(r.fieldIndex("index"))).as(at).isEqualTo(i);
          assertThat(r.getList(r.fieldIndex("a"))).as(at).containsExactly(i + 0.25, (double) -i, i * 1e300);
          assertThat(r.getShort(r.fieldIndex("d"))).as(at).isEqualTo((short) (-300 * i));
          assertThat(r.getFloat(r.fieldIndex("e"))).as(at).isEqualTo(i / 4f);
          if (arrays.contains("b")) {
            assertThat(r.getList(r.fieldIndex("b"))).as(at).containsExactly((short) (200 + i), (short) i);
            assertThat(r.getDecimal(r.fieldIndex("c")).toBigInteger()).as(at)
                .isEqualTo(max.subtract(java.math.BigInteger.valueOf(i)));
          }
        }
      }
    }
  }

  private static java.nio.ByteBuffer le(int bytes) {
    return java.nio.ByteBuffer.allocate(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void sampleLayoutRejectsDifferentFirstDimensions() throws Exception {
    Path f = dir.resolve("bad/x.npz");
    Files.createDirectories(f.getParent());
    try (OutputStream out = Files.newOutputStream(f); NpzWriter w = NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.of('i', 1), new long[] {3}, new byte[3]));
      w.add("y", new NpyArray(NpyDtype.of('i', 1), new long[] {4}, new byte[4]));
    }
    assertThatThrownBy(() -> spark.read().format("npz").option("layout", "sample").load(f.toString()).schema())
        .hasMessageContaining("Cannot read file:" + f + " by sample: array 'y' has 4 rows but 'x' has 3"
            + " (choose arrays of the same first dimension with the 'arrays' option)");
    assertThat(spark.read().format("npz").option("layout", "sample").option("arrays", "y").load(f.toString())
        .count()).isEqualTo(4);
    assertThatThrownBy(() -> spark.read().format("npz").option("layout", "sample").schema("path string, index bigint")
        .load(f.toString()).collectAsList())
        .hasMessage("Cannot read by sample with schema struct<path:string,index:bigint>: it has no array column"
            + " to count the samples of");
  }

  @Test
  void npyFilesBothLayouts() throws Exception {
    Path d = dir.resolve("npy");
    Files.createDirectories(d);
    Files.copy(io.s3dlio.npz.format.TestGoldenFiles.GOLDEN.resolve("generated/fortran_2d_int32.npy"),
        d.resolve("f.npy"));
    Row r = spark.read().format("npy").load(d.toString()).first();
    assertThat(r.getList(1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(r.getList(2)).containsExactly(3L, 4L);
    assertThat(r.getString(3)).isEqualTo("<i4");
    List<Row> rows = spark.read().format("npy").option("layout", "sample").load(d.toString()).orderBy("index")
        .collectAsList();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(2).getList(2)).containsExactly(8, 9, 10, 11);
  }

  @Test
  void rejectedFileNamesFileAndMember() throws Exception {
    Path d = dir.resolve("obj");
    Files.createDirectories(d);
    Files.copy(io.s3dlio.npz.format.TestGoldenFiles.GOLDEN.resolve("real/numpy_py3-objarr.npz"), d.resolve("o.npz"));
    assertThatThrownBy(() -> spark.read().format("npz").load(d.toString()).schema())
        .hasMessageContaining("Cannot read file:" + d.resolve("o.npz") + "!x.npy at offset")
        .hasMessageContaining("object arrays hold pickled Python objects, which are not supported");
  }
}
