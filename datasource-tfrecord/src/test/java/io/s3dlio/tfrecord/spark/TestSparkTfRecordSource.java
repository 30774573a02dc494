package io.s3dlio.tfrecord.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.spark.io.DaliIndex;
import io.s3dlio.tfrecord.spark.source.TfRecordMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tfrecord data source on a real local[2] Spark session and real files (one session for the class). */
class TestSparkTfRecordSource {
  private static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("TestSparkTfRecordSource")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.task.maxFailures", "1").config("spark.sql.adaptive.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static String golden(String rel) {
    return Golden.file("tfrecord/" + rel).toUri().toString();
  }

  private static List<String> sorted(Dataset<Row> df) {
    return SparkPlans.sorted(df);
  }

  @Test
  void readsEveryGoldenExampleFileWithTheManifestCount() {
    int n = 0;
    for (Golden.TfFile f : Golden.goodTfrecordFiles()) {
      String type = f.contents().contains("\"tf.train.Example\"") ? "Example"
          : f.contents().contains("\"tf.train.SequenceExample\"") ? "SequenceExample" : "ByteArray";
      Dataset<Row> df = spark.read().format("tfrecord").option("recordType", type).load(f.local().toUri().toString());
      assertThat(df.count()).as(f.path()).isEqualTo(f.records());
      assertThat(df.collectAsList()).as(f.path()).hasSize((int) f.records());
      n++;
    }
    assertThat(n).isGreaterThan(25);
  }

  @Test
  void infersTypesFromASampleAcrossFiles() {
    Dataset<Row> df = spark.read().format("tfrecord").load(golden("ydf_toy/toy.nocompress-tfe-tfrecord-0000*"));
    StructType s = df.schema();
    assertThat(s.apply("Bool_1").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(s.apply("Cat_1").dataType()).isEqualTo(DataTypes.BinaryType);
    assertThat(s.apply("Cat_3").dataType()).isEqualTo(DataTypes.FloatType);
    Dataset<Row> mnist = spark.read().format("tfrecord").load(golden("tfx_mnist"));
    assertThat(mnist.schema().apply("image_floats").dataType()).isEqualTo(ArrayType.apply(DataTypes.FloatType));
    assertThat(mnist.schema().apply("image_class").dataType()).isEqualTo(DataTypes.LongType);
    Dataset<Row> seq = spark.read().format("tfrecord").option("recordType", "sequenceexample")
        .load(golden("torchdata_tf_writer/sequence_example.tfrecord"));
    assertThat(seq.schema().fields()[seq.schema().size() - 1].dataType().simpleString()).startsWith("array<array<");
    // Strings only when asked for: a user schema.
    Dataset<Row> para = spark.read().format("tfrecord").schema("en string, missing bigint")
        .load(golden("tfds_para_crawl_ende_1.2.0/para_crawl-train.tfrecord-*"));
    Row r = para.first();
    assertThat(r.getString(0)).isNotEmpty();
    assertThat(r.isNullAt(1)).isTrue();
  }

  @Test
  void rejectsUnknownOptionsAndBadValues() {
    assertThatThrownBy(() -> spark.read().format("tfrecord").option("verifyChecksum", "false")
        .load(golden("tfx_mnist")).count())
        .hasMessageContaining("Cannot use tfrecord option [verifyChecksum]: unknown; valid options are compression,"
            + " ignoreCorruptRecords, indexLocation, indexSuffix, maxPartitionBytes, recordType, sampleFiles,"
            + " sampleRecordsPerFile, splitWithoutIndex, useIndex, verifyChecksums, writeIndex and Spark's file-source"
            + " options path, paths, pathGlobFilter, recursiveFileLookup, modifiedBefore, modifiedAfter,"
            + " ignoreCorruptFiles, ignoreMissingFiles, basePath, maxRecordsPerFile, partitionOverwriteMode,"
            + " mergeSchema (case-insensitive; a key containing '.' is a Hadoop configuration key)");
    // Unknown write options too, before any task runs.
    assertThatThrownBy(() -> spark.range(3).write().format("tfrecord").option("compresion", "gzip")
        .save(tmp.resolve("badopt").toUri().toString()))
        .hasMessageContaining("Cannot use tfrecord option [compresion]: unknown");
    assertThat(Files.exists(tmp.resolve("badopt"))).isFalse();
    // Spark's own file-source options and Hadoop keys are accepted.
    assertThat(spark.read().format("tfrecord").option("pathGlobFilter", "*.tfrecord")
        .option("recursiveFileLookup", "true").option("ignoreMissingFiles", "true")
        .option("fs.s3dlio.readahead", "1m").load(golden("tfx_mnist")).count()).isEqualTo(1000);
    assertThatThrownBy(() -> spark.read().format("tfrecord").option("RECORDTYPE", "proto")
        .load(golden("tfx_mnist")).count())
        .hasMessageContaining("Cannot use recordType='proto': expected Example, SequenceExample or ByteArray");
    // Case-insensitive names.
    assertThat(spark.read().format("tfrecord").option("VERIFYCHECKSUMS", "false").option("UseIndex", "NEVER")
        .load(golden("tfx_mnist")).count()).isEqualTo(1000);
  }

  @Test
  void scalarColumnWithSeveralValuesIsAnErrorNamingFileOffsetAndFeature() {
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema("image_floats float")
        .load(golden("tfx_mnist/mnist.tfrecord")).collectAsList())
        .hasStackTraceContaining("Bad TFRecord " + golden("tfx_mnist/mnist.tfrecord").replace("file:///", "file:/")
            + " at byte 0: feature 'image_floats' has 784 values, but column image_floats is a scalar float");
  }

  @Test
  void corruptRecordsFailWithFileAndOffsetOrAreSkippedAndCounted() {
    String bad = golden("derived/example.bad_data_crc.tfrecord");
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema("x_int array<bigint>").load(bad).collectAsList())
        .hasStackTraceContaining("at byte 124: data CRC mismatch");
    assertThat(spark.read().format("tfrecord").schema("x_int array<bigint>").option("ignoreCorruptRecords", "true")
        .load(bad).count()).isEqualTo(3);
    assertThat(spark.read().format("tfrecord").schema("x_int array<bigint>").option("verifyChecksums", "false")
        .load(bad).count()).isEqualTo(4);
    String trunc = golden("derived/example.truncated_mid_data.tfrecord");
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema("x_int array<bigint>").load(trunc).count())
        .hasStackTraceContaining("at byte 389: truncated record: declared payload length 118");
    assertThat(spark.read().format("tfrecord").schema("x_int array<bigint>").option("ignoreCorruptRecords", "true")
        .load(trunc).count()).isEqualTo(3);
    String badLen = golden("derived/example.bad_length_crc.tfrecord");
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema("x_int array<bigint>").load(badLen).count())
        .hasStackTraceContaining("at byte 255: length CRC mismatch");
  }

  /** Copies a golden file and writes a big enough file of its records repeated. */
  private static Path repeated(String name, int copies) throws IOException {
    Path src = Golden.file("tfrecord/tfds_c4_en_2.3.0/c4-train.tfrecord-00000-of-00001");
    byte[] one = Files.readAllBytes(src);
    Path dir = Files.createDirectories(tmp.resolve(name));
    Path f = dir.resolve("data.tfrecord");
    try (OutputStream o = Files.newOutputStream(f)) {
      for (int i = 0; i < copies; i++) {
        o.write(one);
      }
    }
    return f;
  }

  @Test
  void splitReadsEqualTheUnsplitRead() throws IOException {
    Path f = repeated("split", 8); // 80 records, 84,824 bytes
    String uri = f.getParent().toUri().toString();
    SparkPlans.Read whole = SparkPlans.read(spark.read().format("tfrecord").option("splitWithoutIndex", "false")
        .option("useIndex", "never").option("maxPartitionBytes", "7777").load(uri));
    assertThat(whole.rows()).hasSize(80);
    assertThat(whole.partitions()).isEqualTo(1);
    for (String max : List.of("1000", "7777", "30000")) {
      SparkPlans.Read resync = SparkPlans.read(spark.read().format("tfrecord").option("useIndex", "never")
          .option("maxPartitionBytes", max).load(uri));
      // Spark's own cut: ceil(84,824 / max) splits, each in its partition (each costs 4 MB to open).
      int splits = (int) ((84_824 + Long.parseLong(max) - 1) / Long.parseLong(max));
      assertThat(resync.partitions()).isEqualTo(splits);
      assertThat(resync.rows()).as("resync at " + max).isEqualTo(whole.rows());
      assertThat(resync.metric(TfRecordMetrics.RESYNC_SPLITS)).isEqualTo(splits - 1);
      assertThat(resync.metric(TfRecordMetrics.FILES_OPENED)).isEqualTo(splits);
      assertThat(resync.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(80);
    }
    // An index beside the file (DALI's place for it): each split starts at the index's first
    // record at or after its first byte.
    DaliIndex idx = indexOf(f);
    Files.write(Path.of(f + ".idx"), idx.toBytes());
    SparkPlans.Read indexed = SparkPlans.read(spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "5000").load(uri));
    assertThat(indexed.partitions()).isEqualTo(17);
    assertThat(indexed.rows()).isEqualTo(whole.rows());
    assertThat(indexed.metric(TfRecordMetrics.INDEX_SPLITS)).isEqualTo(16);
    assertThat(indexed.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();
    assertThat(spark.read().format("tfrecord").option("maxPartitionBytes", "5000").load(uri).count()).isEqualTo(80);
    // A wrong index is refused under require, ignored (resync) under auto.
    Files.writeString(Path.of(f + ".idx"), "0 100\n100 200\n");
    String idxUri = Path.of(f + ".idx").toUri().toString().replace("file:///", "file:/");
    assertThatThrownBy(() -> spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "5000").load(uri).count())
        .hasStackTraceContaining("Cannot use index " + idxUri + " for ")
        .hasStackTraceContaining(": its records cover 300 bytes but the file has 84824");
    SparkPlans.Read fallback = SparkPlans.read(spark.read().format("tfrecord").option("maxPartitionBytes", "5000")
        .load(uri));
    assertThat(fallback.rows()).isEqualTo(whole.rows());
    assertThat(fallback.metric(TfRecordMetrics.RESYNC_SPLITS)).isEqualTo(16);
    // A stale index whose entries are contiguous but point into the middle of records.
    StringBuilder stale = new StringBuilder();
    for (long o = 0; o < 84_824; o += 1000) {
      stale.append(o).append(' ').append(Math.min(1000, 84_824 - o)).append('\n');
    }
    Files.writeString(Path.of(f + ".idx"), stale);
    Throwable staleFailure = catchThrowable(() -> spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "5000").load(uri).count());
    java.io.StringWriter trace = new java.io.StringWriter();
    staleFailure.printStackTrace(new java.io.PrintWriter(trace));
    // the split whose task fails first names its own first byte: a multiple of the 5,000-byte split
    assertThat(trace.toString()).contains("Cannot use index " + idxUri + " for ")
        .containsPattern(": no record header at byte \\d*[05]000 \\(the index is stale or belongs to another file\\)");
    assertThat(sorted(spark.read().format("tfrecord").option("maxPartitionBytes", "5000").load(uri)))
        .isEqualTo(whole.rows());
    Files.delete(Path.of(f + ".idx"));
    assertThatThrownBy(() -> spark.read().format("tfrecord").option("useIndex", "require").load(uri).count())
        .hasStackTraceContaining("with useIndex=require: no index at " + idxUri.replace("data.tfrecord.idx",
            "_index/data.tfrecord.idx") + ", " + idxUri);
    // splitWithoutIndex=false and no index: the first split reads the whole file, the others nothing.
    SparkPlans.Read noSplit = SparkPlans.read(spark.read().format("tfrecord").option("splitWithoutIndex", "false")
        .option("maxPartitionBytes", "7777").load(uri));
    assertThat(noSplit.rows()).isEqualTo(whole.rows());
    assertThat(noSplit.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();
    // The whole file once, and the 12 bytes each other split reads to check the compression.
    assertThat(noSplit.partitions()).isEqualTo(11);
    assertThat(noSplit.metric(TfRecordMetrics.BYTES_READ)).isEqualTo(84_824 + 10 * 12);
  }

  @Test
  void goldenIndexesSplitGoldenFiles() throws IOException {
    // The DALI index of a golden file (dali/generated) used to split it at record boundaries.
    Path dir = Files.createDirectories(tmp.resolve("golden-idx"));
    Path data = dir.resolve("c4.tfrecord");
    Files.copy(Golden.file("tfrecord/tfds_c4_en_2.3.0/c4-validation.tfrecord-00000-of-00001"), data);
    Files.copy(Golden.file("dali/generated/tfds_c4_en_2.3.0__c4-validation.tfrecord-00000-of-00001.idx"),
        dir.resolve("c4.tfrecord.idx"));
    String uri = dir.toUri().toString();
    List<String> whole = sorted(spark.read().format("tfrecord").option("splitWithoutIndex", "false").load(uri));
    Dataset<Row> split = spark.read().format("tfrecord").option("useIndex", "require").option("maxPartitionBytes",
        "2000").load(uri);
    assertThat(split.rdd().getNumPartitions()).isGreaterThanOrEqualTo(5);
    assertThat(sorted(split)).hasSize(10).isEqualTo(whole);
    assertThat(indexOf(data).toBytes()).isEqualTo(Files.readAllBytes(dir.resolve("c4.tfrecord.idx")));
  }

  static DaliIndex indexOf(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    List<long[]> e = new ArrayList<>();
    long p = 0;
    while (p < b.length) {
      long len = io.s3dlio.tfrecord.codec.TfRecordFraming.length(b, (int) p);
      e.add(new long[] {p, len + 16});
      p += len + 16;
    }
    return new DaliIndex(e.stream().mapToLong(x -> x[0]).toArray(), e.stream().mapToLong(x -> x[1]).toArray());
  }

  private static Dataset<Row> sample(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create((long) i, (long) (i % 3), new float[] {i, i + 0.5f}, new byte[] {(byte) i, 1},
          i % 5 == 0 ? null : "s" + i));
    }
    StructType s = new StructType().add("id", DataTypes.LongType).add("label", DataTypes.LongType)
        .add("floats", ArrayType.apply(DataTypes.FloatType)).add("data", DataTypes.BinaryType)
        .add("name", DataTypes.StringType);
    List<Row> fixed = rows.stream().map(r -> RowFactory.create(r.get(0), r.get(1),
        scala.jdk.javaapi.CollectionConverters.asScala(floats((float[]) r.get(2))).toSeq(), r.get(3), r.get(4)))
        .collect(Collectors.toList());
    return spark.createDataFrame(fixed, s).repartition(2);
  }

  private static List<Float> floats(float[] f) {
    List<Float> out = new ArrayList<>();
    for (float x : f) {
      out.add(x);
    }
    return out;
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    }
  }

  /** Where this source writes a part's index: {@code _index/<part name>.idx} beside it. */
  static Path writtenIndex(Path part) {
    return part.resolveSibling("_index").resolve(part.getFileName() + ".idx");
  }

  @Test
  void writeRoundTripWithIndexesSaveModesAndRolling() throws IOException {
    Dataset<Row> df = sample(50);
    String out = tmp.resolve("rt").toUri().toString();
    Map<String, Long> written = SparkPlans.writeMetrics(spark,
        () -> df.write().format("tfrecord").option("maxRecordsPerFile", "10").save(out));
    List<Path> parts = files(tmp.resolve("rt"), ".tfrecord");
    assertThat(parts).hasSizeGreaterThanOrEqualTo(5);
    long partBytes = 0;
    for (Path p : parts) {
      Path idx = writtenIndex(p);
      assertThat(Files.readAllBytes(idx)).as(idx.toString()).isEqualTo(indexOf(p).toBytes());
      partBytes += Files.size(p);
    }
    // The write command's metrics (SQL tab): data files, their bytes (indexes not counted), rows.
    assertThat(written).containsEntry("numFiles", (long) parts.size()).containsEntry("numOutputRows", 50L)
        .containsEntry("numOutputBytes", partBytes);
    StructType schema = df.schema();
    Dataset<Row> back = spark.read().format("tfrecord").schema(schema).load(out);
    assertThat(sorted(back)).isEqualTo(sorted(df));
    Dataset<Row> inferred = spark.read().format("tfrecord").load(out);
    assertThat(inferred.schema().apply("floats").dataType()).isEqualTo(ArrayType.apply(DataTypes.FloatType));
    assertThat(inferred.schema().apply("name").dataType()).isEqualTo(DataTypes.BinaryType);

    assertThatThrownBy(() -> df.write().format("tfrecord").save(out))
        .hasMessageContaining("[PATH_ALREADY_EXISTS]").hasMessageContaining("rt already exists");
    df.write().format("tfrecord").mode(SaveMode.Ignore).save(out);
    assertThat(spark.read().format("tfrecord").load(out).count()).isEqualTo(50);
    df.write().format("tfrecord").mode(SaveMode.Append).save(out);
    assertThat(spark.read().format("tfrecord").load(out).count()).isEqualTo(100);
    df.limit(7).write().format("tfrecord").mode(SaveMode.Overwrite).save(out);
    assertThat(spark.read().format("tfrecord").load(out).count()).isEqualTo(7);
    List<Path> after = files(tmp.resolve("rt"), ".tfrecord");
    assertThat(files(tmp.resolve("rt"), ".idx")).isEqualTo(after.stream().map(TestSparkTfRecordSource::writtenIndex)
        .sorted().collect(Collectors.toList()));

    // gzip
    String gz = tmp.resolve("gz").toUri().toString();
    df.write().format("tfrecord").option("compression", "gzip").save(gz);
    assertThat(files(tmp.resolve("gz"), ".tfrecord.gz")).isNotEmpty();
    assertThat(sorted(spark.read().format("tfrecord").schema(schema).load(gz))).isEqualTo(sorted(df));

    // partitionBy
    String pb = tmp.resolve("pb").toUri().toString();
    df.write().format("tfrecord").partitionBy("label").save(pb);
    assertThat(Files.isDirectory(tmp.resolve("pb/label=0"))).isTrue();
    Dataset<Row> pr = spark.read().format("tfrecord").load(pb);
    assertThat(pr.schema().apply("label").dataType()).as("Spark's partition type inference").isEqualTo(DataTypes.IntegerType);
    assertThat(pr.where("label = 2").count()).isEqualTo(df.where("label = 2").count());
    assertThat(sorted(pr.select("id", "label"))).isEqualTo(sorted(df.select("id", "label")));

    // Double is not narrowed silently.
    assertThatThrownBy(() -> spark.range(3).selectExpr("cast(id as double) d").write().format("tfrecord")
        .save(tmp.resolve("dbl").toUri().toString()))
        .hasMessageContaining("Cannot write column d of type double: a TFRecord float_list holds 32-bit floats;"
            + " cast it to float explicitly");
  }

  @Test
  void failedTaskLeavesNoFileBehind() throws IOException {
    spark.udf().register("boom", (org.apache.spark.sql.api.java.UDF1<Long, Long>) x -> {
      if (x == 77) {
        throw new IllegalStateException("boom at 77");
      }
      return x;
    }, DataTypes.LongType);
    Path dir = tmp.resolve("failed");
    assertThatThrownBy(() -> spark.range(0, 100, 1, 2).selectExpr("boom(id) id").write().format("tfrecord")
        .save(dir.toUri().toString())).hasStackTraceContaining("boom at 77");
    assertThat(files(dir, ".tfrecord")).isEmpty();
    assertThat(files(dir, ".idx")).isEmpty();
  }

  @Test
  void sequenceExampleAndByteArrayRoundTrips() throws IOException {
    Dataset<Row> seq = spark.sql("select id, array(array(id, id + 1), array(id * 2)) frames,"
        + " array(cast(id as float)) ctx from range(6)");
    String out = tmp.resolve("seq").toUri().toString();
    seq.write().format("tfrecord").option("recordType", "SequenceExample").save(out);
    Dataset<Row> back = spark.read().format("tfrecord").option("recordType", "SequenceExample").schema(seq.schema())
        .load(out);
    assertThat(sorted(back)).isEqualTo(sorted(seq));
    Dataset<Row> raw = spark.read().format("tfrecord").option("recordType", "ByteArray")
        .load(golden("magenta_raw/tfrecord_iterator_test.tfrecord"));
    assertThat(new String((byte[]) raw.first().get(0), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("hello world");
    String rawOut = tmp.resolve("raw").toUri().toString();
    raw.write().format("tfrecord").option("recordType", "ByteArray").save(rawOut);
    assertThat(sorted(spark.read().format("tfrecord").option("recordType", "ByteArray").load(rawOut)))
        .isEqualTo(sorted(raw));
  }

  @Test
  void sqlCreateTableUsingTfrecord() {
    String loc = Golden.file("tfrecord/tfx_mnist").toUri().toString();
    spark.sql("CREATE TABLE mnist USING tfrecord LOCATION '" + loc + "'");
    try {
      assertThat(spark.sql("SELECT count(*) FROM mnist").first().getLong(0)).isEqualTo(1000);
      assertThat(spark.sql("SELECT image_class FROM mnist WHERE image_class = 7").count())
          .isEqualTo(spark.read().format("tfrecord").load(loc).where("image_class = 7").count()).isPositive();
    } finally {
      spark.sql("DROP TABLE mnist");
    }
  }

  @Test
  void gzipWithoutExtensionIsDetectedByMagic() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("magic"));
    Path f = dir.resolve("data");
    try (TfRecordWriter w = new TfRecordWriter(Files.newOutputStream(f), Compression.GZIP)) {
      for (int i = 0; i < 500; i++) {
        w.write(Example.newBuilder().setFeatures(Features.newBuilder()
            .putFeature("i", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(i)).build())
            .putFeature("f", Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(i)).build()))
            .build().toByteArray());
      }
    }
    try (InputStream in = Files.newInputStream(f)) {
      assertThat(in.read()).isEqualTo(0x1f);
    }
    // Nothing in the name says gzip, so Spark cuts the file; the first split finds the gzip magic
    // and reads the whole stream, the others read nothing.
    SparkPlans.Read r = SparkPlans.read(spark.read().format("tfrecord").option("maxPartitionBytes", "1000")
        .load(dir.toUri().toString()).selectExpr("i"));
    assertThat(r.partitions()).isGreaterThan(1);
    assertThat(r.rows()).hasSize(500);
    assertThat(r.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(500);
    assertThat(r.metric(TfRecordMetrics.BYTES_READ)).isEqualTo(Files.size(f) + 12L * (r.partitions() - 1));
    assertThat(r.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();
    assertThat(spark.read().format("tfrecord").load(dir.toUri().toString()).selectExpr("sum(i)").first().getLong(0))
        .isEqualTo(499L * 500 / 2);
  }
}
