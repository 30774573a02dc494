package io.s3dlio.tfrecord.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.spark.source.TfRecordMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tfrecord source gets from Spark's file-source framework, on a real local[2] session:
 * the file index (globs, partition folders read back as columns and pruned, pathGlobFilter,
 * recursiveFileLookup, modifiedBefore/After, ignoreCorruptFiles, ignoreMissingFiles, one listing
 * per query), packing of small files, dynamic partition overwrite, index files that no reader
 * takes for data, the Hadoop configuration of a read, and the V1 path of catalog tables. Pruning
 * and packing are proven by the scan's metrics and planned partitions.
 */
class TestSparkTfRecordFileIndex {
  private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
      .add("payload", DataTypes.BinaryType);

  private static SparkSession spark;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("TestSparkTfRecordFileIndex")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.task.maxFailures", "1").config("spark.sql.adaptive.enabled", "false")
        .config("spark.hadoop.fs.countfs.impl", CountingLocalFileSystem.class.getName())
        .config("spark.hadoop.fs.countfs.impl.disable.cache", "true").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Writes {@code n} Examples (id, payload of {@code payloadBytes}) as one TFRecord file. */
  static long writeExamples(Path file, long firstId, int n, int payloadBytes) throws IOException {
    Files.createDirectories(file.getParent());
    try (TfRecordWriter w = new TfRecordWriter(Files.newOutputStream(file), Compression.NONE)) {
      for (int i = 0; i < n; i++) {
        byte[] payload = new byte[payloadBytes];
        java.util.Arrays.fill(payload, (byte) (firstId + i));
        w.write(Example.newBuilder().setFeatures(Features.newBuilder()
            .putFeature("id", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(firstId + i)).build())
            .putFeature("payload", Feature.newBuilder().setBytesList(BytesList.newBuilder()
                .addValue(com.google.protobuf.ByteString.copyFrom(payload))).build()))
            .build().toByteArray());
      }
    }
    return Files.size(file);
  }

  private static DataFrameReader reader() {
    return spark.read().format("tfrecord").schema(SCHEMA);
  }

  private static Dataset<Row> tf(String uri) {
    return reader().load(uri);
  }

  private static List<Path> walk(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)).sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void partitionFoldersAreColumnsAndPrunedFilesAreNeverOpened() throws IOException {
    Path dir = tmp.resolve("parts");
    int files = 0;
    for (String year : List.of("2023", "2024")) {
      for (String country : List.of("fr", "us", "jp")) {
        for (int f = 0; f < 2; f++) {
          writeExamples(dir.resolve("year=" + year + "/country=" + country + "/f" + f + ".tfrecord"),
              files * 100L, 10, 16);
          files++;
        }
      }
    }
    String uri = dir.toUri().toString();
    Dataset<Row> all = spark.read().format("tfrecord").load(uri);
    assertThat(all.schema().fieldNames()).containsExactly("id", "payload", "year", "country");
    assertThat(all.schema().apply("year").dataType()).isEqualTo(DataTypes.IntegerType);

    SparkPlans.Read one = SparkPlans.read(all.where("year = 2024 AND country = 'jp'").select("id", "country"));
    assertThat(one.rows()).hasSize(20).allMatch(r -> r.endsWith("|jp|"));
    assertThat(one.metric(TfRecordMetrics.FILES_OPENED)).as("files of the one selected folder").isEqualTo(2);
    assertThat(one.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(20);
    SparkPlans.Read year = SparkPlans.read(all.where("year = 2023").select("id"));
    assertThat(year.rows()).hasSize(60);
    assertThat(year.metric(TfRecordMetrics.FILES_OPENED)).isEqualTo(6);
    SparkPlans.Read none = SparkPlans.read(all.where("year = 1999").select("id"));
    assertThat(none.rows()).isEmpty();
    assertThat(none.metric(TfRecordMetrics.FILES_OPENED)).isZero();

    // Globs select folders; recursiveFileLookup turns partition discovery off.
    assertThat(spark.read().format("tfrecord").load(dir.toUri() + "year=2024/country={fr,us}").count())
        .isEqualTo(40);
    Dataset<Row> flat = spark.read().format("tfrecord").option("recursiveFileLookup", "true").load(uri);
    assertThat(flat.schema().fieldNames()).containsExactly("id", "payload");
    assertThat(flat.count()).isEqualTo(120);
  }

  @Test
  void smallFilesArePackedByMaxPartitionBytesAndOpenCost() throws IOException {
    Path dir = tmp.resolve("small");
    long size = 0;
    for (int f = 0; f < 200; f++) {
      size = writeExamples(dir.resolve(String.format("f%03d.tfrecord", f)), f * 10L, 10, 400);
    }
    String uri = dir.toUri().toString();
    // Spark's rule: a partition takes files while its size plus each file's open cost fits in the
    // split size: k files with (k - 1) * (size + cost) + size <= 64 KiB; with a cost of 4 KiB and
    // files of ~4.4 KB, 8 per partition.
    long perPartition = (65536 - size) / (size + 4096) + 1;
    assertThat(perPartition).isEqualTo(8);
    spark.conf().set("spark.sql.files.openCostInBytes", "4096");
    try {
      SparkPlans.Read r = SparkPlans.read(reader().option("maxPartitionBytes", "65536").load(uri).select("id"));
      assertThat(r.partitions()).isEqualTo((int) ((200 + perPartition - 1) / perPartition));
      assertThat(r.metric(TfRecordMetrics.FILES_OPENED)).isEqualTo(200);
      assertThat(r.rows()).hasSize(2000);
      // Spark's defaults (128 MiB, open cost 4 MiB): 32 files per partition.
      spark.conf().unset("spark.sql.files.openCostInBytes");
      long byDefault = ((128L << 20) - size) / (size + (4L << 20)) + 1;
      assertThat(byDefault).isEqualTo(32);
      assertThat(SparkPlans.plannedPartitions(tf(uri))).isEqualTo((int) ((200 + byDefault - 1) / byDefault));
      // A higher open cost than the split size: one file per partition.
      spark.conf().set("spark.sql.files.openCostInBytes", String.valueOf(1 << 20));
      assertThat(SparkPlans.plannedPartitions(reader().option("maxPartitionBytes", "65536").load(uri))).isEqualTo(200);
    } finally {
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }
  }

  @Test
  void pathGlobFilterAndModificationTimesSelectFiles() throws IOException {
    Path dir = tmp.resolve("select");
    writeExamples(dir.resolve("a.tfrecord"), 0, 5, 8);
    writeExamples(dir.resolve("b.tfrecord"), 100, 7, 8);
    Files.writeString(dir.resolve("notes.txt"), "not a TFRecord file");
    Files.setLastModifiedTime(dir.resolve("a.tfrecord"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    String uri = dir.toUri().toString();
    assertThatThrownBy(() -> tf(uri).count()).hasStackTraceContaining("notes.txt");
    assertThat(reader().option("pathGlobFilter", "*.tfrecord").load(uri).count()).isEqualTo(12);
    assertThat(reader().option("pathGlobFilter", "b.*").load(uri).count()).isEqualTo(7);
    assertThat(reader().option("pathGlobFilter", "*.tfrecord").option("modifiedBefore", "2021-01-01T00:00:00").load(uri)
        .count()).isEqualTo(5);
    assertThat(reader().option("pathGlobFilter", "*.tfrecord").option("modifiedAfter", "2021-01-01T00:00:00").load(uri)
        .count()).isEqualTo(7);
  }

  @Test
  void ignoreCorruptFilesAndIgnoreMissingFiles() throws IOException {
    Path dir = tmp.resolve("damaged");
    writeExamples(dir.resolve("good.tfrecord"), 0, 10, 8);
    Files.copy(Golden.file("tfrecord/derived/example.bad_data_crc.tfrecord"), dir.resolve("bad.tfrecord"));
    String uri = dir.toUri().toString();
    StructType anyIds = new StructType().add("id", DataTypes.LongType);
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema(anyIds).load(uri).count())
        .hasStackTraceContaining("bad.tfrecord at byte 124: data CRC mismatch");
    // Spark skips the rest of a corrupt file: the good file and the bad one's first record.
    assertThat(spark.read().format("tfrecord").schema(anyIds).option("ignoreCorruptFiles", "true").load(uri)
        .count()).isEqualTo(11);

    Path gone = tmp.resolve("gone");
    writeExamples(gone.resolve("stays.tfrecord"), 0, 10, 8);
    writeExamples(gone.resolve("goes.tfrecord"), 10, 10, 8);
    Dataset<Row> listed = tf(gone.toUri().toString());
    Dataset<Row> tolerant = reader().option("ignoreMissingFiles", "true").load(gone.toUri().toString());
    assertThat(listed.count()).isEqualTo(20);
    assertThat(tolerant.count()).isEqualTo(20);
    Files.delete(gone.resolve("goes.tfrecord"));
    assertThatThrownBy(listed::count).hasStackTraceContaining("goes.tfrecord");
    assertThat(tolerant.count()).isEqualTo(10);
  }

  @Test
  void theTreeIsListedOncePerQuery() throws IOException {
    Path dir = tmp.resolve("listed");
    for (int p = 0; p < 3; p++) {
      for (int f = 0; f < 4; f++) {
        writeExamples(dir.resolve("part=" + p + "/f" + f + ".tfrecord"), p * 100L + f * 10L, 10, 8);
      }
    }
    String uri = "countfs://" + dir.toAbsolutePath();
    CountingLocalFileSystem.reset();
    // Schema inference, partition discovery, planning and reading: one listing of each of the 4 folders.
    assertThat(spark.read().format("tfrecord").load(uri).where("part = 1").count()).isEqualTo(40);
    assertThat(CountingLocalFileSystem.LIST_STATUS.get()).isEqualTo(4);
    assertThat(CountingLocalFileSystem.GLOB_STATUS.get()).isZero();
  }

  @Test
  void theHadoopConfigurationOfAReadReachesTheFileSystem() throws IOException {
    Path dir = tmp.resolve("conf");
    writeExamples(dir.resolve("a.tfrecord"), 0, 10, 8);
    String uri = "countfs://" + dir.toAbsolutePath();
    CountingLocalFileSystem.reset();
    spark.conf().set(CountingLocalFileSystem.MARKER, "session");
    try {
      assertThat(tf(uri).count()).isEqualTo(10);
      assertThat(CountingLocalFileSystem.MARKERS_SEEN).isNotEmpty().containsOnly("session");
      CountingLocalFileSystem.reset();
      // Driver (listing) and executors (reading) alike see the read's own option.
      assertThat(reader().option(CountingLocalFileSystem.MARKER, "read").load(uri).count()).isEqualTo(10);
      assertThat(CountingLocalFileSystem.MARKERS_SEEN).hasSizeGreaterThanOrEqualTo(2).containsOnly("read");
      CountingLocalFileSystem.reset();
      String out = "countfs://" + tmp.resolve("conf-out").toAbsolutePath();
      spark.range(5).selectExpr("id").write().format("tfrecord").option(CountingLocalFileSystem.MARKER, "write")
          .save(out);
      assertThat(CountingLocalFileSystem.MARKERS_SEEN).isNotEmpty().containsOnly("write");
    } finally {
      spark.conf().unset(CountingLocalFileSystem.MARKER);
    }
  }

  @Test
  void indexFilesAreNeverReadAsData() throws IOException {
    Dataset<Row> df = spark.range(0, 300, 1, 3).selectExpr("id", "cast(concat('p', id) as binary) payload");
    Path out = tmp.resolve("written");
    df.write().format("tfrecord").save(out.toUri().toString());
    List<Path> parts = walk(out, ".tfrecord");
    assertThat(parts).hasSize(3);
    assertThat(walk(out, ".idx")).isEqualTo(parts.stream().map(TestSparkTfRecordSource::writtenIndex).sorted()
        .collect(Collectors.toList()));
    // Another reader of the folder through Spark's file index (binaryFile) sees the parts only.
    List<String> seen = spark.read().format("binaryFile").load(out.toUri().toString()).select("path")
        .collectAsList().stream().map(r -> r.getString(0)).sorted().collect(Collectors.toList());
    assertThat(seen).hasSize(3).allMatch(p -> p.endsWith(".tfrecord"));

    // Indexes beside the files (as DALI's tfrecord2idx leaves them) are skipped by our reader, and
    // pathGlobFilter does the same for readers that take every file.
    Path beside = tmp.resolve("beside");
    Files.createDirectories(beside);
    for (Path p : parts) {
      Files.copy(p, beside.resolve(p.getFileName()));
      Files.copy(TestSparkTfRecordSource.writtenIndex(p), beside.resolve(p.getFileName() + ".idx"));
    }
    SparkPlans.Read r = SparkPlans.read(tf(beside.toUri().toString()).select("id"));
    assertThat(r.rows()).hasSize(300);
    assertThat(r.metric(TfRecordMetrics.FILES_OPENED)).isEqualTo(3);
    assertThat(spark.read().format("binaryFile").option("pathGlobFilter", "*.tfrecord")
        .load(beside.toUri().toString()).count()).isEqualTo(3);
    // And they split the files they belong to.
    SparkPlans.Read split = SparkPlans.read(reader().option("maxPartitionBytes", "1000")
        .load(beside.toUri().toString()).select("id"));
    assertThat(split.rows()).isEqualTo(r.rows());
    assertThat(split.metric(TfRecordMetrics.INDEX_SPLITS)).isPositive();
    assertThat(split.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();
  }

  @Test
  void dynamicPartitionOverwriteReplacesOnlyTheWrittenPartitions() throws IOException {
    Path out = tmp.resolve("dynamic");
    String uri = out.toUri().toString();
    spark.range(0, 90, 1, 3).selectExpr("id", "id % 3 as label").write().format("tfrecord").partitionBy("label")
        .save(uri);
    spark.range(1000, 1010, 1, 2).selectExpr("id", "1 as label").write().format("tfrecord").partitionBy("label")
        .mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic").save(uri);
    Dataset<Row> back = spark.read().format("tfrecord").load(uri);
    assertThat(back.where("label = 0").count()).isEqualTo(30);
    assertThat(back.where("label = 2").count()).isEqualTo(30);
    assertThat(back.where("label = 1").selectExpr("min(id)", "count(*)").first().toString()).isEqualTo("[1000,10]");
    // Every part has its index, and no index is left of the replaced parts.
    List<Path> parts = walk(out, ".tfrecord");
    assertThat(walk(out, ".idx")).isEqualTo(parts.stream().map(TestSparkTfRecordSource::writtenIndex).sorted()
        .collect(Collectors.toList()));
    try (Stream<Path> s = Files.walk(out)) {
      assertThat(s.map(p -> out.relativize(p).toString()))
          .noneMatch(p -> p.contains("_temporary") || p.contains(".spark-staging"));
    }
  }

  @Test
  void catalogTablesReadAndInsertThroughTheV1FileFormat() throws IOException {
    Path loc = tmp.resolve("table");
    spark.sql("CREATE TABLE events (id bigint, payload binary, day int) USING tfrecord PARTITIONED BY (day)"
        + " LOCATION '" + loc.toUri() + "'");
    try {
      spark.sql("INSERT INTO events SELECT id, cast(string(id) as binary), int(id % 2) FROM range(40)");
      spark.sql("INSERT INTO events SELECT id, cast(string(id) as binary), 7 FROM range(100, 105)");
      assertThat(spark.sql("SELECT count(*), sum(id) FROM events").first().toString())
          .isEqualTo("[45," + (39 * 40 / 2 + 100 + 101 + 102 + 103 + 104) + "]");
      assertThat(spark.sql("SELECT count(*) FROM events WHERE day = 7").first().getLong(0)).isEqualTo(5);
      List<Path> parts = walk(loc, ".tfrecord");
      assertThat(parts).isNotEmpty();
      assertThat(walk(loc, ".idx")).isEqualTo(parts.stream().map(TestSparkTfRecordSource::writtenIndex).sorted()
          .collect(Collectors.toList()));
      spark.sql("INSERT OVERWRITE events SELECT id, cast(string(id) as binary), 7 FROM range(200, 203)");
      assertThat(spark.sql("SELECT count(*) FROM events").first().getLong(0)).isEqualTo(3);
      // Beside-the-file indexes are never data on the V1 path either.
      for (Path p : walk(loc, ".tfrecord")) {
        Files.copy(TestSparkTfRecordSource.writtenIndex(p), p.resolveSibling(p.getFileName() + ".idx"));
      }
      spark.sql("REFRESH TABLE events");
      assertThat(spark.sql("SELECT count(*) FROM events").first().getLong(0)).isEqualTo(3);
    } finally {
      spark.sql("DROP TABLE events");
    }
  }

  @Test
  void writeMetricsCountDataFilesBytesAndRows() throws IOException {
    Path out = tmp.resolve("metrics");
    Map<String, Long> m = SparkPlans.writeMetrics(spark, () -> spark.range(0, 1000, 1, 4)
        .selectExpr("id", "id % 2 as half").write().format("tfrecord").partitionBy("half")
        .save(out.toUri().toString()));
    List<Path> parts = walk(out, ".tfrecord");
    long bytes = 0;
    for (Path p : parts) {
      bytes += Files.size(p);
    }
    assertThat(m).containsEntry("numFiles", (long) parts.size()).containsEntry("numOutputRows", 1000L)
        .containsEntry("numOutputBytes", bytes).containsEntry("numParts", 2L);
    List<Long> ids = new ArrayList<>();
    spark.read().format("tfrecord").load(out.toUri().toString()).select("id").collectAsList()
        .forEach(r -> ids.add(r.getLong(0)));
    assertThat(ids).hasSize(1000).doesNotHaveDuplicates();
  }
}
