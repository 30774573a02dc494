package io.s3dlio.it.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Pluggable committers, the same for every file format ({@link FormatTables#FORMATS}): Hadoop's
 * S3A committers ({@code directory}, {@code partitioned} with {@code partitionBy}, {@code magic})
 * writing over {@code s3a://} (Hadoop's S3A FileSystem) to the S3 test server, and Hadoop's
 * manifest committer writing over {@code s3://} (the s3dlio FileSystem) to the same server, each
 * chosen the way a deployment chooses it: {@code mapreduce.outputcommitter.factory.scheme.<scheme>}
 * and {@code fs.s3a.committer.name}, with the commit protocol {@link PathOutputCommitProtocol}.
 * The sources have no committer code of their own, so these run unchanged.
 *
 * <p>A committed write reads back exactly (count and sum of a unique id), every TFRecord part has
 * its index in {@code _index/}, nothing is left in the committers' staging places, and
 * {@code _SUCCESS} is the committer's JSON summary naming that committer and the files it
 * committed (the proof that the committer ran: Hadoop's default committer writes an empty
 * {@code _SUCCESS}). A job whose task fails after the other task committed, under the magic
 * committer, publishes nothing: the table and its listing are as before, no multipart upload is
 * left pending, no {@code __magic} folder is left.
 */
class TestHadoopCommittersAcrossFormats {
  /** The bucket S3A writes to. */
  private static final String BUCKET = "spark-s3a-committers";
  private static final int ROWS = 200;

  /** Committers under test: S3A's (over s3a://) and the manifest committer (over s3://). */
  static final List<String> COMMITTERS = List.of("directory", "partitioned", "magic", "manifest");

  /** Committers that run the failed job (partitioned fails as directory does: the same staging code). */
  static final List<String> FAILING_COMMITTERS = List.of("directory", "magic", "manifest");

  /** The committer each names in its _SUCCESS summary. */
  private static String summaryName(String committer) {
    return committer.equals("manifest") ? "org.apache.hadoop.mapreduce.lib.output.committer.manifest.ManifestCommitter"
        : committer;
  }

  /** Released when task 0 of the failing job has committed (see aFailedJobUnderTheMagicCommitterPublishesNothing). */
  private static volatile CountDownLatch taskZeroCommitted;
  /** Where the failing task counts the multipart uploads pending when it fails (null: it does not). */
  private static volatile String pendingUploadsPrefix;
  private static final AtomicInteger uploadsPendingAtFailure = new AtomicInteger(-1);

  private static SparkSession spark;
  private static S3ProxyServer s3;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    FileSystem.closeAll();
    s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    spark = FormatTables.withS3(SparkSession.builder().master("local[2]").appName("TestHadoopCommittersAcrossFormats")
        .config("spark.ui.enabled", "false")
        .config("spark.task.maxFailures", "1")
        .config("spark.sql.sources.commitProtocolClass", PathOutputCommitProtocol.class.getName())
        // The committer factory per scheme, as a deployment sets it.
        .config("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
            "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory")
        .config("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3",
            "org.apache.hadoop.mapreduce.lib.output.committer.manifest.ManifestCommitterFactory")
        // S3A on the test server.
        .config("spark.hadoop.fs.s3a.endpoint", s3.endpoint().toString())
        .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
        .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .config("spark.hadoop.fs.s3a.access.key", s3.accessKey())
        .config("spark.hadoop.fs.s3a.secret.key", s3.secretKey())
        .config("spark.hadoop.fs.s3a.buffer.dir", tmp.resolve("s3a-buffer").toString())
        .config("spark.hadoop.fs.s3a.committer.magic.enabled", "true")
        // The staging committers share their pending uploads through the cluster FileSystem (local disk here).
        .config("spark.hadoop.fs.s3a.committer.staging.tmp.path", tmp.resolve("s3a-staging").toUri().toString()))
        .getOrCreate();
    spark.udf().register("failAt", (UDF2<Long, Long, Long>) (id, at) -> {
      if (id.equals(at)) {
        CountDownLatch gate = taskZeroCommitted;
        if (gate != null && !gate.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("task 0 did not commit within 60 s");
        }
        String prefix = pendingUploadsPrefix;
        if (prefix != null) {
          uploadsPendingAtFailure.set(pendingUploads(prefix).size());
        }
        throw new IllegalStateException("injected task failure at id " + id);
      }
      return id;
    }, DataTypes.LongType);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        CountDownLatch gate = taskZeroCommitted;
        if (gate != null && end.taskInfo().successful() && end.taskInfo().index() == 0) {
          gate.countDown();
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Every format with every committer of {@code committers}. */
  private static Stream<Arguments> formatsWith(List<String> committers) {
    return FormatTables.FORMATS.stream().flatMap(f -> committers.stream().map(c -> Arguments.of(f, c)));
  }

  static Stream<Arguments> writes() {
    return formatsWith(COMMITTERS);
  }

  static Stream<Arguments> failures() {
    return formatsWith(FAILING_COMMITTERS);
  }

  private static String newTable(String committer, String format) {
    if (committer.equals("manifest")) {
      return FormatTables.newTable(FormatTables.Storage.S3, tmp, format + "-manifest");
    }
    return FormatTables.newTable(FormatTables.Storage.S3, tmp, format + "-" + committer)
        .replace("s3://" + FormatTables.BUCKET + "/", "s3a://" + BUCKET + "/");
  }

  /** Rows {@code from} until {@code from + ROWS} in two tasks; {@code p} (id % 2) for partitionBy. */
  private static DataFrameWriter<Row> writer(String format, String committer, long from, long failAt) {
    DataFrameWriter<Row> w = spark.range(from, from + ROWS, 1, 2)
        .selectExpr("failAt(id, " + failAt + "L) as id", "cast(id * 0.5 as float) as v", "id % 2 as p")
        .write().format(format).options(FormatTables.options(format)).option("fs.s3a.committer.name", committer);
    return committer.equals("partitioned") ? w.partitionBy("p") : w;
  }

  @ParameterizedTest(name = "{0} through the {1} committer")
  @MethodSource("writes")
  void aCommittedWriteReadsBackAndSuccessIsTheCommittersSummary(String format, String committer) throws IOException {
    String table = newTable(committer, format);
    writer(format, committer, 0, -1).mode(SaveMode.Overwrite).save(table);

    List<Long> ids = FormatTables.ids(spark, format, table);
    assertThat(ids).hasSize(ROWS);
    assertThat(ids.stream().mapToLong(Long::longValue).sum()).isEqualTo((long) ROWS * (ROWS - 1) / 2);
    assertThat(ids).isEqualTo(FormatTables.range(0, ROWS));

    List<String> files = FormatTables.files(spark, table);
    assertThat(staging(files)).as("staging left in %s", files).isEmpty();
    List<String> parts = files.stream().filter(f -> !f.equals("_SUCCESS") && !f.contains("_index/")).toList();
    assertThat(parts).as("parts in %s", files).hasSizeGreaterThanOrEqualTo(2)
        .allMatch(f -> f.endsWith("." + format) || f.endsWith(".snappy.parquet"));
    if (committer.equals("partitioned")) {
      assertThat(parts).allMatch(f -> f.startsWith("p=0/") || f.startsWith("p=1/"));
    }
    if (format.equals("tfrecord")) {
      assertThat(FormatTables.unpairedIndexes(files)).as("parts and indexes in %s", files).isEmpty();
    }

    JsonNode success = success(table);
    assertThat(success.path("name").asText()).isEqualTo("org.apache.hadoop.fs.s3a.commit.files.SuccessData/1");
    assertThat(success.path("committer").asText()).isEqualTo(summaryName(committer));
    List<String> committed = new ArrayList<>();
    success.path("filenames").forEach(n -> committed.add(relative(table, n.asText())));
    List<String> published = files.stream().filter(f -> !f.equals("_SUCCESS")).toList();
    assertThat(committed).as("files the committer lists in _SUCCESS").containsExactlyInAnyOrderElementsOf(published);
  }

  @ParameterizedTest(name = "{0} through the {1} committer")
  @MethodSource("failures")
  void aFailedJobPublishesNothing(String format, String committer) throws IOException {
    String table = newTable(committer, format);
    writer(format, committer, 0, -1).mode(SaveMode.ErrorIfExists).save(table);
    List<String> before = FormatTables.files(spark, table);
    List<Long> old = FormatTables.range(0, ROWS);
    assertThat(FormatTables.ids(spark, format, table)).isEqualTo(old);

    // Task 1 fails at its 50th row, once task 0 has written and committed its part: the job is
    // aborted with task 0's output committed as far as a task commits it (S3A: uploads pending,
    // completed at job commit only; manifest: the task's manifest saved).
    taskZeroCommitted = new CountDownLatch(1);
    uploadsPendingAtFailure.set(-1);
    pendingUploadsPrefix = committer.equals("manifest") ? null : table;
    try {
      assertThatThrownBy(() -> writer(format, committer, 1000, 1150).mode(SaveMode.Append).save(table))
          .hasStackTraceContaining("injected task failure at id 1150");
      assertThat(taskZeroCommitted.getCount()).as("task 0 committed before task 1 failed").isZero();
    } finally {
      taskZeroCommitted = null;
      pendingUploadsPrefix = null;
    }

    assertThat(FormatTables.ids(spark, format, table)).isEqualTo(old);
    List<String> after = FormatTables.files(spark, table);
    // Every one of these committers deletes _SUCCESS when a job starts (so a failed job leaves no
    // stale summary behind); nothing else changes.
    assertThat(before).contains("_SUCCESS");
    assertThat(after).as("the table's files after the failed append")
        .isEqualTo(before.stream().filter(f -> !f.equals("_SUCCESS")).toList());
    if (!committer.equals("manifest")) {
      assertThat(uploadsPendingAtFailure.get()).as("uploads pending when task 1 failed").isPositive();
    }
    assertThat(localFiles(tmp)).as("S3A's local staging and buffers").isEmpty();
    assertThat(staging(after)).isEmpty();
    assertThat(pendingUploads(table)).as("multipart uploads left pending under %s", table).isEmpty();
  }

  /** Where committers stage: Hadoop's, S3A's magic folders, Spark's. */
  private static List<String> staging(List<String> files) {
    return files.stream()
        .filter(f -> f.contains("_temporary") || f.contains("__magic") || f.contains(".spark-staging")).toList();
  }

  private static JsonNode success(String table) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(table, "_SUCCESS");
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (InputStream in = fs.open(p)) {
      byte[] json = in.readAllBytes();
      assertThat(json).as("_SUCCESS of %s is the committer's JSON summary, not Hadoop's empty marker", table)
          .isNotEmpty();
      return new ObjectMapper().readTree(json);
    }
  }

  /** A file name from a committer's summary (the key or path, with or without scheme) relative to the table. */
  private static String relative(String table, String name) {
    String bucketAndKey = table.substring(table.indexOf("://") + 3);
    String key = bucketAndKey.substring(bucketAndKey.indexOf('/') + 1);
    int at = name.indexOf(key + "/");
    assertThat(at).as("%s under %s", name, table).isGreaterThanOrEqualTo(0);
    return name.substring(at + key.length() + 1);
  }

  /** Files under a local folder (the S3A committers' local staging and buffers). */
  private static List<String> localFiles(Path root) throws IOException {
    try (Stream<Path> s = java.nio.file.Files.walk(root)) {
      return s.filter(java.nio.file.Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  /** Multipart uploads the server holds for keys under the table. */
  private static List<MultipartUpload> pendingUploads(String table) {
    String bucketAndKey = table.substring(table.indexOf("://") + 3);
    String bucket = bucketAndKey.substring(0, bucketAndKey.indexOf('/'));
    String prefix = bucketAndKey.substring(bucket.length() + 1) + "/";
    try (S3Client c = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
        .forcePathStyle(true).httpClient(ApacheHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build()) {
      return c.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)).uploads();
    }
  }
}
