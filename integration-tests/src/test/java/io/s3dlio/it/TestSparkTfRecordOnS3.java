package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import io.s3dlio.tfrecord.index.IndexResult;
import io.s3dlio.tfrecord.spark.SparkPlans;
import io.s3dlio.tfrecord.spark.index.SparkIndexer;
import io.s3dlio.tfrecord.spark.source.TfRecordMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tfrecord} data source on s3:// (S3Proxy) through the s3dlio Hadoop FileSystem, with a
 * real local[2] Spark session: write (part files and their indexes in {@code _index/}, checked
 * against the codec's DaliIndexer), read back, split reads (resync, index beside the file, index
 * folder), golden files and golden DALI indexes uploaded to the bucket, corrupt input, the custom
 * scan metrics, the Spark indexing job, partition pruning and ignoreMissingFiles, and the three
 * ways a Hadoop setting reaches the FileSystem (spark.hadoop.*, spark.conf.set, read and write
 * options), each proven by the requests a proxy on that endpoint forwarded.
 */
class TestSparkTfRecordOnS3 {
  private static final String BUCKET = "spark-tfrecord";
  /** Buckets reached through an endpoint set one way each: spark.hadoop.*, spark.conf.set, a read option. */
  private static final String BY_SPARK_HADOOP = "cfg-spark-hadoop";
  private static final String BY_SESSION_CONF = "cfg-session-conf";
  private static final String BY_READ_OPTION = "cfg-read-option";
  private static final Map<String, FaultProxy> PROXIES = new LinkedHashMap<>();

  private static SparkSession spark;
  private static StoreRegistry stores;
  private static String base;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    stores = new StoreRegistry(s3.storeConfig());
    base = "s3://" + BUCKET + "/run-" + UUID.randomUUID().toString().substring(0, 8);
    for (String bucket : List.of(BY_SPARK_HADOOP, BY_SESSION_CONF, BY_READ_OPTION)) {
      s3.createBucket(bucket);
      PROXIES.put(bucket, FaultProxy.start(s3.endpoint()));
    }
    SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("TestSparkTfRecordOnS3")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.task.maxFailures", "1")
        // The scan node is then in the executed plan itself (its metrics are read from it).
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName());
    for (Map.Entry<String, String> e : s3.storeConfig().withPrefix("s3.").entrySet()) {
      b.config("spark.hadoop.fs.s3dlio." + e.getKey(), e.getValue());
    }
    b.config("spark.hadoop.fs.s3dlio.bucket." + BY_SPARK_HADOOP + ".s3.endpoint",
        PROXIES.get(BY_SPARK_HADOOP).endpoint().toString());
    spark = b.getOrCreate();
  }

  @AfterAll
  static void stop() throws IOException {
    if (spark != null) {
      spark.stop();
    }
    if (stores != null) {
      stores.close();
    }
    for (FaultProxy p : PROXIES.values()) {
      p.close();
    }
  }

  // ---- helpers ----

  private static Path goldenDir() {
    return Golden.dir();
  }

  /** Good (non-derived) golden TFRecord files: relative path -> [records, compression, contents column]. */
  private static Map<String, String[]> goldenTfrecordFiles() {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (Golden.TfFile f : Golden.goodTfrecordFiles()) {
      out.put(f.path(), new String[] {Long.toString(f.records()), f.compression(), f.contents()});
    }
    return out;
  }

  private static void upload(Path local, String uri) throws IOException {
    put(uri, Files.readAllBytes(local));
  }

  private static void put(String uri, byte[] data) throws IOException {
    ObjectUri u = ObjectUri.parse(uri);
    stores.storeFor(u).put(u, data);
  }

  private static FileSystem fs() throws IOException {
    return new org.apache.hadoop.fs.Path(base).getFileSystem(spark.sparkContext().hadoopConfiguration());
  }

  private static byte[] readObject(String uri) throws IOException {
    try (InputStream in = fs().open(new org.apache.hadoop.fs.Path(uri))) {
      return in.readAllBytes();
    }
  }

  private static List<String> listFiles(String dir) throws IOException {
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs().listFiles(new org.apache.hadoop.fs.Path(dir), true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toString());
    }
    out.sort(null);
    return out;
  }

  private static List<String> sorted(Dataset<Row> df) {
    return SparkPlans.sorted(df);
  }

  private static SparkPlans.Read read(Dataset<Row> df) {
    return SparkPlans.read(df);
  }

  /** Where the tfrecord source writes the index of a part: {@code _index/<name>.idx} beside it. */
  private static String writtenIndex(String part) {
    int slash = part.lastIndexOf('/');
    return part.substring(0, slash) + "/_index/" + part.substring(slash + 1) + ".idx";
  }

  /** 80 records (84,824 bytes): the golden c4-train file eight times over. */
  private static byte[] c4Times8() throws IOException {
    byte[] one = Files.readAllBytes(goldenDir().resolve("tfrecord/tfds_c4_en_2.3.0/c4-train.tfrecord-00000-of-00001"));
    byte[] out = new byte[one.length * 8];
    for (int i = 0; i < 8; i++) {
      System.arraycopy(one, 0, out, i * one.length, one.length);
    }
    return out;
  }

  // ---- tests ----

  @Test
  void writesPartFilesWithCodecIdenticalIndexesAndReadsThemBack() throws IOException {
    String out = base + "/written";
    Dataset<Row> df = spark.range(0, 3000, 1, 3).selectExpr("id", "id % 5 as label",
        "array(cast(id as float), cast(id * 0.5 as float)) as floats", "cast(concat('row-', id) as binary) as data",
        "case when id % 7 = 0 then null else concat('s', id) end as name");
    df.write().format("tfrecord").option("maxRecordsPerFile", "700").save(out);

    List<String> all = listFiles(out);
    List<String> parts = all.stream().filter(p -> p.endsWith(".tfrecord")).collect(Collectors.toList());
    List<String> idxs = all.stream().filter(p -> p.endsWith(".tfrecord.idx")).collect(Collectors.toList());
    assertThat(parts).as("part files in %s", all).hasSizeGreaterThanOrEqualTo(6);
    assertThat(idxs).isEqualTo(parts.stream().map(TestSparkTfRecordOnS3::writtenIndex).sorted()
        .collect(Collectors.toList()));
    assertThat(all).contains(out + "/_SUCCESS");
    assertThat(all).as("nothing but parts, indexes and _SUCCESS").hasSize(2 * parts.size() + 1);
    DaliIndexer indexer = new DaliIndexer(stores);
    long records = 0;
    for (String p : parts) {
      assertThat(p).startsWith(out + "/part-");
      Path ref = tmp.resolve("ref-" + p.substring(p.lastIndexOf('/') + 1) + ".idx");
      IndexResult r = indexer.index(ObjectUri.parse(p), ObjectUri.parseOrLocalPath(ref.toString()),
          IndexOptions.DEFAULT);
      assertThat(r.records()).as(p).isBetween(1L, 700L);
      records += r.records();
      assertThat(readObject(writtenIndex(p))).as("index written by Spark for %s", p)
          .isEqualTo(Files.readAllBytes(ref));
    }
    assertThat(records).isEqualTo(3000);

    Dataset<Row> back = spark.read().format("tfrecord").schema(df.schema()).load(out);
    assertThat(sorted(back)).isEqualTo(sorted(df));
    assertThat(spark.read().format("tfrecord").load(out).count()).isEqualTo(3000);
  }

  @Test
  void splitReadsEqualTheUnsplitReadWithTheirMetrics() throws IOException {
    byte[] data = c4Times8();
    String dir = base + "/split";
    String file = dir + "/data.tfrecord";
    put(file, data);

    SparkPlans.Read whole = read(spark.read().format("tfrecord").option("splitWithoutIndex", "false")
        .option("useIndex", "never").option("maxPartitionBytes", "7777").load(dir));
    assertThat(whole.rows()).hasSize(80);
    assertThat(whole.partitions()).isEqualTo(1);
    assertThat(whole.metrics()).isEqualTo(Map.of(TfRecordMetrics.RECORDS_READ, 80L,
        TfRecordMetrics.BYTES_READ, (long) data.length, TfRecordMetrics.FILES_OPENED, 1L,
        TfRecordMetrics.CORRUPT_SKIPPED, 0L, TfRecordMetrics.INDEX_SPLITS, 0L, TfRecordMetrics.RESYNC_SPLITS, 0L));

    // Byte ranges of 7,777: 11 partitions; all but the first resynchronise.
    SparkPlans.Read resync = read(spark.read().format("tfrecord").option("useIndex", "never")
        .option("maxPartitionBytes", "7777").load(dir));
    assertThat(resync.partitions()).isEqualTo(11);
    assertThat(resync.rows()).isEqualTo(whole.rows());
    assertThat(resync.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(80);
    assertThat(resync.metric(TfRecordMetrics.RESYNC_SPLITS)).isEqualTo(10);
    assertThat(resync.metric(TfRecordMetrics.INDEX_SPLITS)).isZero();
    assertThat(resync.metric(TfRecordMetrics.CORRUPT_SKIPPED)).isZero();
    assertThat(resync.metric(TfRecordMetrics.FILES_OPENED)).isEqualTo(11);
    // Bytes fetched: every byte at least once; each split reads ahead in buffers of up to 256 KiB,
    // so here (a file smaller than one buffer) a split reads at most from its start to the end,
    // plus the 12 bytes each later split reads at the start of the file to check its compression.
    long fromEachStart = 0;
    for (long s = 0; s < data.length; s += 7777) {
      fromEachStart += data.length - s + (s > 0 ? 12 : 0);
    }
    assertThat(resync.metric(TfRecordMetrics.BYTES_READ)).isBetween((long) data.length, fromEachStart);

    // The index computed by the codec (DaliIndexer on the S3 object), beside the file.
    IndexResult idx = new DaliIndexer(stores).index(ObjectUri.parse(file), null, IndexOptions.DEFAULT);
    assertThat(idx.records()).isEqualTo(80);
    // Spark cuts the file every 5,000 bytes (17 splits); each split after the first starts at the
    // index's first record at or after its first byte.
    SparkPlans.Read indexed = read(spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "5000").load(dir));
    assertThat(indexed.partitions()).isEqualTo(17);
    assertThat(indexed.rows()).isEqualTo(whole.rows());
    assertThat(indexed.metric(TfRecordMetrics.INDEX_SPLITS)).isEqualTo(16);
    assertThat(indexed.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();
    assertThat(indexed.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(80);
    long fromIndexStarts = 0;
    for (long s = 0; s < data.length; s += 5000) {
      fromIndexStarts += data.length - s;
    }
    assertThat(indexed.metric(TfRecordMetrics.BYTES_READ)).isBetween((long) data.length, fromIndexStarts);

    // indexLocation: the index in a folder of its own, not beside the data.
    String other = base + "/split-noidx";
    put(other + "/data.tfrecord", data);
    String idxDir = base + "/indexes";
    put(idxDir + "/data.tfrecord.idx", readObject(file + ".idx"));
    SparkPlans.Read located = read(spark.read().format("tfrecord").option("useIndex", "require")
        .option("indexLocation", idxDir).option("maxPartitionBytes", "5000").load(other));
    assertThat(located.partitions()).isEqualTo(indexed.partitions());
    assertThat(located.rows()).isEqualTo(whole.rows());
    assertThat(located.metric(TfRecordMetrics.INDEX_SPLITS)).isEqualTo(16);
    assertThatThrownBy(() -> spark.read().format("tfrecord").option("useIndex", "require")
        .option("indexLocation", base + "/no-such-folder").load(other).count())
        .hasStackTraceContaining("with useIndex=require: no index at " + base + "/no-such-folder/data.tfrecord.idx");
  }

  @Test
  void goldenFilesAndIndexesOnS3ReadWithTheManifestCounts() throws IOException {
    Map<String, String[]> golden = goldenTfrecordFiles();
    String dir = base + "/golden/";
    for (String rel : golden.keySet()) {
      upload(goldenDir().resolve(rel), dir + rel);
    }
    int n = 0;
    for (Map.Entry<String, String[]> e : golden.entrySet()) {
      String contents = e.getValue()[2];
      String type = contents.contains("\"tf.train.Example\"") ? "Example"
          : contents.contains("\"tf.train.SequenceExample\"") ? "SequenceExample" : "ByteArray";
      Dataset<Row> df = spark.read().format("tfrecord").option("recordType", type).load(dir + e.getKey());
      long expected = Long.parseLong(e.getValue()[0]);
      assertThat(df.count()).as(e.getKey()).isEqualTo(expected);
      assertThat(df.collectAsList()).as(e.getKey()).hasSize((int) expected);
      n++;
    }
    assertThat(n).isGreaterThan(25);

    // A golden DALI index (made by DALI's tfrecord2idx) splits its golden file at record boundaries.
    String c4 = base + "/golden-idx/c4.tfrecord";
    upload(goldenDir().resolve("tfrecord/tfds_c4_en_2.3.0/c4-validation.tfrecord-00000-of-00001"), c4);
    upload(goldenDir().resolve("dali/generated/tfds_c4_en_2.3.0__c4-validation.tfrecord-00000-of-00001.idx"),
        c4 + ".idx");
    SparkPlans.Read whole = read(spark.read().format("tfrecord").option("useIndex", "never").load(c4));
    SparkPlans.Read split = read(spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "2000").load(c4));
    assertThat(split.partitions()).isGreaterThanOrEqualTo(5);
    assertThat(split.rows()).hasSize(10).isEqualTo(whole.rows());
    assertThat(split.metric(TfRecordMetrics.INDEX_SPLITS)).isEqualTo(split.partitions() - 1);
    assertThat(split.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();

    // Compression from the extension: the golden zlib file, planned as one compressed partition
    // even with a partition size below its length.
    String zlib = base + "/golden-zlib/example.tfrecord.zlib";
    upload(goldenDir().resolve("tfrecord/derived/example.tfrecord.zlib"), zlib);
    SparkPlans.Read z = read(spark.read().format("tfrecord").option("maxPartitionBytes", "100").load(zlib));
    assertThat(z.partitions()).isEqualTo(1);
    assertThat(z.rows()).hasSize(4);
    assertThat(z.metric(TfRecordMetrics.BYTES_READ)).isEqualTo(320);
    assertThat(z.metric(TfRecordMetrics.RESYNC_SPLITS)).isZero();
  }

  @Test
  void corruptInputOnS3FailsNamingFileAndOffsetOrIsSkippedAndCounted() throws IOException {
    String bad = base + "/corrupt/bad.tfrecord";
    upload(goldenDir().resolve("tfrecord/derived/example.bad_data_crc.tfrecord"), bad);
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema("x_int array<bigint>").load(bad).collectAsList())
        .hasStackTraceContaining("Bad TFRecord " + bad + " at byte 124: data CRC mismatch");
    SparkPlans.Read skipped = read(spark.read().format("tfrecord").schema("x_int array<bigint>")
        .option("ignoreCorruptRecords", "true").load(bad));
    assertThat(skipped.rows()).hasSize(3);
    assertThat(skipped.metrics()).isEqualTo(Map.of(TfRecordMetrics.RECORDS_READ, 3L,
        TfRecordMetrics.BYTES_READ, 523L, TfRecordMetrics.FILES_OPENED, 1L, TfRecordMetrics.CORRUPT_SKIPPED, 1L,
        TfRecordMetrics.INDEX_SPLITS, 0L, TfRecordMetrics.RESYNC_SPLITS, 0L));

    String trunc = base + "/corrupt-trunc/trunc.tfrecord";
    upload(goldenDir().resolve("tfrecord/derived/example.truncated_mid_data.tfrecord"), trunc);
    assertThatThrownBy(() -> spark.read().format("tfrecord").schema("x_int array<bigint>").load(trunc).count())
        .hasStackTraceContaining("Bad TFRecord " + trunc + " at byte 389: truncated record: declared payload length 118");
    SparkPlans.Read truncSkipped = read(spark.read().format("tfrecord").schema("x_int array<bigint>")
        .option("ignoreCorruptRecords", "true").load(trunc));
    assertThat(truncSkipped.rows()).hasSize(3);
    assertThat(truncSkipped.metric(TfRecordMetrics.CORRUPT_SKIPPED)).isEqualTo(1);
    assertThat(truncSkipped.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(3);
  }

  @Test
  void sparkIndexingJobOnS3GivesTheGoldenDaliIndexes() throws IOException {
    String dir = base + "/index-job/";
    Map<String, Long> expected = new TreeMap<>();
    Map<String, Path> goldenIdx = new TreeMap<>();
    for (Map.Entry<String, String[]> e : goldenTfrecordFiles().entrySet()) {
      String stem = e.getKey().substring("tfrecord/".length()).replace("/", "__");
      Path idx = goldenDir().resolve("dali/generated/" + stem + ".idx");
      if (!"NONE".equals(e.getValue()[1]) || !Files.exists(idx)) {
        continue;
      }
      upload(goldenDir().resolve(e.getKey()), dir + stem);
      expected.put(dir + stem, Long.parseLong(e.getValue()[0]));
      goldenIdx.put(dir + stem, idx);
    }
    assertThat(expected).hasSizeGreaterThan(8);
    // 700-byte chunks: most files are cut into several chunks, each resynchronising.
    Map<String, Long> counts = SparkIndexer.index(spark, dir, 700, ".idx", false);
    assertThat(counts).isEqualTo(expected);
    DaliIndexer codec = new DaliIndexer(stores);
    for (Map.Entry<String, Path> e : goldenIdx.entrySet()) {
      byte[] written = readObject(writtenIndex(e.getKey()));
      assertThat(written).as(e.getKey()).isEqualTo(Files.readAllBytes(e.getValue()));
      Path ref = tmp.resolve("job-" + e.getKey().substring(e.getKey().lastIndexOf('/') + 1) + ".idx");
      codec.index(ObjectUri.parse(e.getKey()), ObjectUri.parseOrLocalPath(ref.toString()), IndexOptions.DEFAULT);
      assertThat(written).as("codec index of %s", e.getKey()).isEqualTo(Files.readAllBytes(ref));
    }

    String bad = base + "/index-job-bad/bad.tfrecord";
    upload(goldenDir().resolve("tfrecord/derived/example.truncated_mid_data.tfrecord"), bad);
    assertThatThrownBy(() -> SparkIndexer.index(spark, bad, 1 << 20, ".idx", true))
        .hasStackTraceContaining("Bad TFRecord " + bad + " at byte 389: truncated record");
    assertThat(fs().exists(new org.apache.hadoop.fs.Path(writtenIndex(bad)))).isFalse();
  }

  /** Requests a proxy forwarded for a bucket since the last call. */
  private static long requestsThrough(String bucket) {
    FaultProxy p = PROXIES.get(bucket);
    long n = p.requestHeads().stream().filter(h -> h.contains("/" + bucket)).count();
    p.reset();
    return n;
  }

  @Test
  void theHadoopConfigurationReachesTheFileSystemBySparkHadoopSessionConfAndReadOptions() {
    Dataset<Row> df = spark.range(0, 100, 1, 2).selectExpr("id", "cast(id as float) v");
    // spark.hadoop.fs.s3dlio.bucket.<b>.s3.endpoint, set when the session was built.
    String a = "s3://" + BY_SPARK_HADOOP + "/t";
    df.write().format("tfrecord").save(a);
    assertThat(spark.read().format("tfrecord").load(a).selectExpr("sum(id)").first().getLong(0)).isEqualTo(4950);
    assertThat(requestsThrough(BY_SPARK_HADOOP)).isPositive();

    // spark.conf.set of a Hadoop key, at run time.
    String b = "s3://" + BY_SESSION_CONF + "/t";
    spark.conf().set("fs.s3dlio.bucket." + BY_SESSION_CONF + ".s3.endpoint",
        PROXIES.get(BY_SESSION_CONF).endpoint().toString());
    try {
      df.write().format("tfrecord").save(b);
      assertThat(spark.read().format("tfrecord").load(b).count()).isEqualTo(100);
    } finally {
      spark.conf().unset("fs.s3dlio.bucket." + BY_SESSION_CONF + ".s3.endpoint");
    }
    assertThat(requestsThrough(BY_SESSION_CONF)).isPositive();

    // Options of one write and one read (a new FileSystem for them: Hadoop caches one per bucket).
    String c = "s3://" + BY_READ_OPTION + "/t";
    String endpoint = PROXIES.get(BY_READ_OPTION).endpoint().toString();
    df.write().format("tfrecord").option("fs.s3dlio.bucket." + BY_READ_OPTION + ".s3.endpoint", endpoint)
        .option("fs.s3.impl.disable.cache", "true").save(c);
    assertThat(requestsThrough(BY_READ_OPTION)).isPositive();
    assertThat(spark.read().format("tfrecord").option("fs.s3dlio.bucket." + BY_READ_OPTION + ".s3.endpoint", endpoint)
        .option("fs.s3.impl.disable.cache", "true").load(c).count()).isEqualTo(100);
    assertThat(requestsThrough(BY_READ_OPTION)).isPositive();
    // Without the options the same table is read straight from the server, not through the proxy.
    assertThat(spark.read().format("tfrecord").load(c).count()).isEqualTo(100);
    assertThat(requestsThrough(BY_READ_OPTION)).isZero();
    assertThat(requestsThrough(BY_SPARK_HADOOP) + requestsThrough(BY_SESSION_CONF)).isZero();
  }

  @Test
  void partitionPruningAndMissingFilesOnS3() throws IOException {
    String table = base + "/partitioned";
    spark.range(0, 600, 1, 3).selectExpr("id", "id % 3 as part").write().format("tfrecord").partitionBy("part")
        .save(table);
    List<String> parts = listFiles(table).stream().filter(p -> p.endsWith(".tfrecord")).collect(Collectors.toList());
    long inPart1 = parts.stream().filter(p -> p.contains("/part=1/")).count();
    assertThat(parts).hasSize(9);
    SparkPlans.Read one = read(spark.read().format("tfrecord").load(table).where("part = 1").select("id"));
    assertThat(one.rows()).hasSize(200);
    assertThat(one.metric(TfRecordMetrics.FILES_OPENED)).isEqualTo(inPart1).isEqualTo(3);

    Dataset<Row> listed = spark.read().format("tfrecord").load(table);
    Dataset<Row> tolerant = spark.read().format("tfrecord").option("ignoreMissingFiles", "true").load(table);
    assertThat(listed.count()).isEqualTo(600);
    assertThat(tolerant.count()).isEqualTo(600);
    String gone = parts.stream().filter(p -> p.contains("/part=2/")).findFirst().orElseThrow();
    long goneRows = spark.read().format("tfrecord").load(gone).count();
    fs().delete(new org.apache.hadoop.fs.Path(gone), false);
    assertThatThrownBy(listed::count).hasStackTraceContaining(gone.substring(gone.lastIndexOf('/') + 1));
    assertThat(tolerant.count()).isEqualTo(600 - goneRows);
  }
}
