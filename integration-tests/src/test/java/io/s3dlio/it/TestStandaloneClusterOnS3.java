package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3dlio.bridge.BridgeFeed;
import io.s3dlio.bridge.FeedStats;
import io.s3dlio.bridge.StreamToPython;
import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.it.cluster.StandaloneCluster;
import io.s3dlio.it.cluster.TaskGate;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.S3ProxyServer;
import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.spark.index.SparkIndexer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Spark cluster: a standalone Master and two Workers, each a JVM of its own launched from the
 * Maven class path ({@link StandaloneCluster}), one executor JVM of one core per Worker, this JVM
 * the driver; the data on S3Proxy (s3://) through the s3dlio FileSystem, configured by
 * {@code spark.hadoop.fs.*} keys only. It writes a TFRecord dataset with its indexes, indexes an
 * un-indexed golden file with the Spark index job, reads with splits, reads and writes NPZ; then
 * kills one executor JVM with SIGKILL in the middle of a read job and of a write job (their tasks
 * held at a {@link TaskGate} with their streams open): results stay exact and no partial output is
 * ever visible. Last, the bridge: the dataset streamed from the executors to two Python trainer
 * ranks for three epochs, an executor killed in the middle of one, every id once per epoch. Expected
 * values are computed, not read back: sums of {@code 0..n-1}, the golden manifest's record count,
 * protobuf-java's parse of the golden file, the golden DALI index, the ids {@code 0..n-1}.
 *
 * <p>Five JVMs besides this one: not in the default build (tag {@code cluster}); run it with
 * {@code mvn -Pcluster -pl integration-tests -am verify -Dtest=TestStandaloneClusterOnS3}.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestStandaloneClusterOnS3 {
  private static final String BUCKET = "cluster";
  /** Rows of the generated TFRecord dataset: ids 0..N-1, label = id % 10. */
  private static final long N = 20_000;

  private static StandaloneCluster cluster;
  private static SparkSession spark;
  private static StoreRegistry stores;
  private static String base;
  private static Path dir;
  private static final AtomicInteger EXECUTORS_REMOVED = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    stores = new StoreRegistry(s3.storeConfig());
    base = "s3://" + BUCKET + "/run-" + UUID.randomUUID().toString().substring(0, 8);
    dir = Path.of(System.getProperty("s3dlio.test.servers.dir")).resolveSibling("standalone-cluster")
        .resolve(UUID.randomUUID().toString().substring(0, 8));
    List<String> javaOptions = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")) {
        javaOptions.add(a);
      }
    }
    javaOptions.add("-Daws.disableEc2Metadata=true");
    cluster = StandaloneCluster.start(dir, 2, 1, "1g", javaOptions);

    SparkSession.Builder b = SparkSession.builder().master(cluster.masterUrl()).appName("TestStandaloneClusterOnS3")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.memory", "640m")
        .config("spark.executor.cores", "1")
        .config("spark.executor.extraClassPath", cluster.classpath())
        .config("spark.executor.extraJavaOptions", String.join(" ", javaOptions))
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName());
    for (Map.Entry<String, String> e : s3.storeConfig().withPrefix("s3.").entrySet()) {
      b.config("spark.hadoop.fs.s3dlio." + e.getKey(), e.getValue());
    }
    spark = b.getOrCreate();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        EXECUTORS_REMOVED.incrementAndGet();
      }
    });
    awaitExecutors(2);
  }

  @AfterAll
  static void stop() throws IOException {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (stores != null) {
      stores.close();
    }
  }

  // ---------------------------------------------------------------- the runs

  @Test
  @Order(1)
  void writesATfRecordDatasetWithIndexesAndReadsItSplitByThem() throws IOException {
    String out = base + "/written";
    generated(N, 4).write().format("tfrecord").option("maxRecordsPerFile", "2500").save(out);

    List<String> files = listFiles(out);
    List<String> parts = files.stream().filter(f -> f.endsWith(".tfrecord")).toList();
    assertThat(parts).as("part files in %s", files).hasSizeGreaterThanOrEqualTo(8);
    for (String p : parts) {
      assertThat(indexOf(p, files)).as("index of %s in %s", p, files).isNotNull();
    }
    assertThat(files).as("parts, their indexes and _SUCCESS only").hasSize(2 * parts.size() + 1)
        .contains(out + "/_SUCCESS");

    // Small splits cut at the written indexes: many tasks over both executors.
    Dataset<Row> back = spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "40000").load(out);
    assertThat(back.javaRDD().getNumPartitions()).isGreaterThanOrEqualTo(8);
    assertExactSums(back, N);
  }

  @Test
  @Order(2)
  void indexesAnUnindexedFileWithTheSparkJobAndReadsItSplit() throws IOException {
    Path golden = goldenDir();
    String file = base + "/mnist/mnist.tfrecord";
    put(file, Files.readAllBytes(golden.resolve("tfrecord/tfx_mnist/mnist.tfrecord")));

    // 256 KiB chunks: the 3.2 MB file is indexed by 13 tasks on the two executors and stitched.
    Map<String, Long> indexed = SparkIndexer.index(spark, base + "/mnist", 256 << 10, ".idx", false);
    assertThat(indexed).isEqualTo(Map.of(file, 1000L));
    String idx = indexOf(file, listFiles(base + "/mnist"));
    assertThat(idx).isNotNull();
    assertThat(get(idx)).as("the index written by the Spark job, against DALI's tool")
        .isEqualTo(Files.readAllBytes(golden.resolve("dali/generated/tfx_mnist__mnist.tfrecord.idx")));

    Dataset<Row> split = spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "524288").load(base + "/mnist");
    assertThat(split.javaRDD().getNumPartitions()).isGreaterThanOrEqualTo(5);
    Row r = split.selectExpr("count(*)", "sum(image_class)", "sum(size(image_floats))").first();
    long[] ref = mnistReference(golden);
    assertThat(new long[] {r.getLong(0), r.getLong(1), r.getLong(2)}).isEqualTo(ref);
  }

  @Test
  @Order(3)
  void writesAndReadsNpzSamples() throws IOException {
    String out = base + "/npz";
    long n = 6000;
    spark.range(0, n, 1, 3).selectExpr("id", "cast(id as double) * 0.25 as v").write().format("npz")
        .option("layout", "sample").save(out);
    List<String> npz = listFiles(out).stream().filter(f -> f.endsWith(".npz")).toList();
    assertThat(npz).as("one file per task").hasSize(3);

    Row r = spark.read().format("npz").option("layout", "sample").load(out)
        .selectExpr("count(*)", "sum(id)", "sum(v)", "count(distinct id)").first();
    assertThat(r.getLong(0)).isEqualTo(n);
    assertThat(r.getLong(1)).isEqualTo(n * (n - 1) / 2);
    assertThat(r.getDouble(2)).isEqualTo(0.25 * n * (n - 1) / 2);
    assertThat(r.getLong(3)).isEqualTo(n);
  }

  @Test
  @Order(4)
  void aReadJobSurvivesAnExecutorKilledInItsMiddle() throws Exception {
    TaskGate gate = new TaskGate(dir.resolve("gate-read"));
    spark.udf().register("gate_read", (UDF1<Long, Long>) gate::pass, DataTypes.LongType);
    Dataset<Row> df = spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "40000").load(base + "/written")
        .selectExpr("gate_read(id) as id", "label", "floats");

    int removedBefore = EXECUTORS_REMOVED.get();
    CompletableFuture<Row> job = async(() -> sums(df));
    killOneExecutorAtTheGate(gate, job);
    gate.open();
    Row r = job.get(3, TimeUnit.MINUTES);
    assertSums(r, N);
    assertThat(EXECUTORS_REMOVED.get()).as("the driver lost the killed executor").isGreaterThan(removedBefore);
    awaitExecutors(2);
  }

  @Test
  @Order(5)
  void aWriteJobSurvivesAnExecutorKilledInItsMiddleAndShowsNoPartialOutput() throws Exception {
    TaskGate gate = new TaskGate(dir.resolve("gate-write"));
    spark.udf().register("gate_write", (UDF1<Long, Long>) gate::pass, DataTypes.LongType);
    String out = base + "/written-under-kill";
    Dataset<Row> df = generated(N, 6).selectExpr("gate_write(id) as id", "label", "floats");

    int removedBefore = EXECUTORS_REMOVED.get();
    CompletableFuture<Void> job = async(() -> {
      df.write().format("tfrecord").save(out);
      return null;
    });
    killOneExecutorAtTheGate(gate, job);
    // Tasks have their part files open; whatever exists is in the commit protocol's hidden folder.
    assertThat(listFiles(out)).as("visible output while the job runs")
        .allSatisfy(f -> assertThat(f).startsWith(out + "/_temporary/"));
    gate.open();
    job.get(3, TimeUnit.MINUTES);
    assertThat(EXECUTORS_REMOVED.get()).isGreaterThan(removedBefore);

    List<String> files = listFiles(out);
    List<String> parts = files.stream().filter(f -> f.endsWith(".tfrecord")).toList();
    assertThat(parts).as("one part per task in %s", files).hasSize(6);
    for (String p : parts) {
      assertThat(indexOf(p, files)).as("index of %s", p).isNotNull();
    }
    assertThat(files).as("parts, their indexes and _SUCCESS only (no attempt of the killed executor)")
        .hasSize(2 * parts.size() + 1).contains(out + "/_SUCCESS");
    assertExactSums(spark.read().format("tfrecord").option("useIndex", "require").load(out), N);
    awaitExecutors(2);
  }

  /**
   * The bridge on the cluster: the dataset of the first test, read from S3 and persisted on the
   * executors, streamed by a {@link BridgeFeed} in this JVM (the driver) to two trainer ranks
   * (Python processes) for three epochs. The executors are other JVMs: they upload their encoded
   * partitions to the feed's upload port over TCP ({@code upload=auto}), none as task results. In
   * epoch 1, once both ranks have received batches of it, the tasks of its third block are held at a
   * gate and the JVM of an executor holding one gets SIGKILL: Spark reruns the lost tasks (and
   * recomputes the cached partitions the executor held) and the epoch still delivers every id once.
   */
  @Test
  @Order(6)
  void bridgeStreamsToTwoTrainersAndAnEpochSurvivesAnExecutorKilledInItsMiddle() throws Exception {
    String python = StreamToPython.python();
    Path pythonDir = StreamToPython.pythonPackageDir();
    assertThat(StreamToPython.clientAvailable(python, pythonDir)).as("%s imports s3dlio_bridge from %s", python,
        pythonDir).isTrue();
    TaskGate gate = new TaskGate(dir.resolve("gate-bridge"), "epoch 1, block 2 (");
    spark.udf().register("gate_bridge", (UDF1<Long, Long>) gate::pass, DataTypes.LongType);
    Dataset<Row> cached = spark.read().format("tfrecord").option("useIndex", "require")
        .option("maxPartitionBytes", "40000").load(base + "/written").persist();
    Dataset<Row> df = cached.selectExpr("gate_bridge(id) as id", "label", "floats");
    int partitions = df.javaRDD().getNumPartitions();
    assertThat(partitions).as("partitions: at least 3 blocks of 4").isGreaterThanOrEqualTo(9);
    int epochs = 3;
    int batch = 50;
    Path out = Files.createDirectories(dir.resolve("bridge"));
    int removedBefore = EXECUTORS_REMOVED.get();
    try (BridgeFeed feed = BridgeFeed.builder(df).worldSize(2).batchSize(batch).seed(7).tensor("floats", 2)
        .start()) {
      assertThat(feed.rows()).isEqualTo(N);
      long steps = feed.stepsPerEpoch();
      assertThat(steps).isEqualTo(N / (2 * batch));
      List<Process> ranks = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        ranks.add(trainer(python, pythonDir, feed, r, epochs, out));
      }
      CompletableFuture<?> trainers = CompletableFuture.allOf(
          ranks.stream().map(Process::onExit).toArray(CompletableFuture[]::new));

      // Mid-epoch 1: both ranks have batches of it, and an executor holds a task of its third block.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!(gate.executorsWaiting().size() >= 1 && batchesOf(out, 0, 1) > 0 && batchesOf(out, 1, 1) > 0)
          && !trainers.isDone() && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(trainers).as("trainers still running; %s", feed.stats()).isNotDone();
      assertThat(gate.executorsWaiting()).as("executors holding a task of epoch 1, block 2\n%s", cluster.logs())
          .isNotEmpty();
      long pid = gate.executorsWaiting().iterator().next();
      for (int r = 0; r < 2; r++) {
        assertThat(batchesOf(out, r, 1)).as("epoch 1 batches of rank %d when the executor is killed", r)
            .isPositive().isLessThan(steps);
      }
      ProcessHandle victim = cluster.executorProcess(pid)
          .orElseThrow(() -> new AssertionError("pid " + pid + " is no executor of this cluster"));
      assertThat(victim.destroyForcibly()).as("SIGKILL sent to %d", pid).isTrue();
      victim.onExit().get(30, TimeUnit.SECONDS);
      gate.open();

      for (int r = 0; r < 2; r++) {
        Process p = ranks.get(r);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
          p.destroyForcibly().waitFor();
        }
        assertThat(p.exitValue()).as("rank %d: %s\n%s", r, Files.readString(out.resolve("rank" + r + ".log")),
            cluster.logs()).isZero();
      }
      assertThat(feed.awaitRuns(epochs, java.time.Duration.ofSeconds(30))).as(feed.stats().toString()).isTrue();
      // Every id exactly once per epoch over the two ranks, the same number of steps on each rank.
      for (int e = 0; e < epochs; e++) {
        Map<Long, Integer> seen = new java.util.HashMap<>();
        for (int r = 0; r < 2; r++) {
          List<JsonNode> b = batches(out, r, e);
          assertThat(b).as("steps of rank %d in epoch %d", r, e).hasSize((int) steps);
          for (JsonNode n : b) {
            assertThat(n.get("ids")).hasSize(batch);
            n.get("ids").forEach(id -> seen.merge(id.asLong(), 1, Integer::sum));
          }
        }
        assertThat(seen).as("ids of epoch %d", e).hasSize((int) N);
        assertThat(seen.keySet()).allSatisfy(id -> assertThat(id).isBetween(0L, N - 1));
        assertThat(seen.values()).as("ids of epoch %d delivered more than once", e).containsOnly(1);
      }
      FeedStats stats = feed.stats();
      System.out.printf("bridge on the cluster: %d partitions, %d epochs x %d steps x 2 ranks; executor %d killed in"
          + " epoch 1; %s; task attempts at the gate: %s%n", partitions, epochs, steps, pid, stats,
          gate.attemptsStarted());
      assertThat(stats.runsFailed()).as(stats.toString()).isZero();
      assertThat(stats.bufferedBytes()).as(stats.toString()).isZero();
      // From other JVMs: every partition came to the upload port over TCP, none as a task result;
      // one receipt per partition and epoch whatever ran twice.
      assertThat(new long[] {stats.partitionsUploaded(), stats.partitionsAsTaskResults()})
          .as("partitions uploaded, as task results: %s", stats).isEqualTo(new long[] {epochs * partitions, 0});
    } finally {
      cached.unpersist();
    }
    assertThat(EXECUTORS_REMOVED.get()).as("the driver lost the killed executor").isGreaterThan(removedBefore);
    // <stage>.<stage attempt>-<partition>-<attempt>: some partition of the held block started twice.
    Map<String, Long> starts = gate.attemptsStarted().stream().collect(java.util.stream.Collectors.groupingBy(
        a -> a.substring(a.indexOf('-') + 1, a.lastIndexOf('-')), java.util.stream.Collectors.counting()));
    assertThat(starts.values()).as("a held task ran again after the kill: %s", gate.attemptsStarted())
        .anyMatch(n -> n > 1);
    awaitExecutors(2);
  }

  // ---------------------------------------------------------------- helpers

  /** ids 0..n-1 in {@code partitions} tasks, label = id % 10, floats = [id, id / 2]. */
  private static Dataset<Row> generated(long n, int partitions) {
    return spark.range(0, n, 1, partitions).selectExpr("id", "id % 10 as label",
        "array(cast(id as float), cast(id * 0.5 as float)) as floats");
  }

  private static Row sums(Dataset<Row> df) {
    return df.selectExpr("count(*)", "sum(id)", "sum(label)", "sum(floats[1])", "count(distinct id)").first();
  }

  private static void assertExactSums(Dataset<Row> df, long n) {
    assertSums(sums(df), n);
  }

  /** Every id exactly once: count, distinct count and the sums of 0..n-1 (exact in a double). */
  private static void assertSums(Row r, long n) {
    long labels = 0;
    for (long i = 0; i < n; i++) {
      labels += i % 10;
    }
    assertThat(r.getLong(0)).as("count").isEqualTo(n);
    assertThat(r.getLong(1)).as("sum(id)").isEqualTo(n * (n - 1) / 2);
    assertThat(r.getLong(2)).as("sum(label)").isEqualTo(labels);
    assertThat(r.getDouble(3)).as("sum(floats[1])").isEqualTo(0.5 * n * (n - 1) / 2);
    assertThat(r.getLong(4)).as("distinct ids").isEqualTo(n);
  }

  /**
   * Waits until both executors hold a task at the gate (a stream open on each), SIGKILLs the first
   * one's JVM and waits until it is gone. The gate stays closed.
   */
  private static void killOneExecutorAtTheGate(TaskGate gate, CompletableFuture<?> job) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Set<Long> waiting = gate.executorsWaiting();
    while (waiting.size() < 2 && !job.isDone() && System.nanoTime() < end) {
      Thread.sleep(100);
      waiting = gate.executorsWaiting();
    }
    if (job.isDone()) {
      job.get();
    }
    assertThat(waiting).as("executors with a task at the gate\n%s", cluster.logs()).hasSize(2);
    long pid = waiting.iterator().next();
    ProcessHandle victim = cluster.executorProcess(pid)
        .orElseThrow(() -> new AssertionError("pid " + pid + " is no executor of this cluster"));
    assertThat(victim.destroyForcibly()).as("SIGKILL sent to %d", pid).isTrue();
    victim.onExit().get(30, TimeUnit.SECONDS);
    assertThat(victim.isAlive()).isFalse();
  }

  /** Starts rank {@code rank} of 2 ({@code python3 -m s3dlio_bridge.consume}): one JSON line per batch. */
  private static Process trainer(String python, Path pythonDir, BridgeFeed feed, int rank, int epochs, Path out)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(python, "-m", "s3dlio_bridge.consume", "--rank", Integer.toString(rank),
        "--world-size", "2", "--epochs", Integer.toString(epochs), "--id-column", "id", "--out",
        out.resolve("rank" + rank + ".jsonl").toString())
        .redirectErrorStream(true).redirectOutput(out.resolve("rank" + rank + ".log").toFile());
    pb.environment().put("PYTHONPATH", pythonDir.toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().putAll(feed.environment());
    return pb.start();
  }

  /** The batches rank {@code rank} wrote for {@code epoch} so far (complete lines only). */
  private static List<JsonNode> batches(Path out, int rank, int epoch) throws IOException {
    Path f = out.resolve("rank" + rank + ".jsonl");
    List<JsonNode> b = new ArrayList<>();
    if (!Files.exists(f)) {
      return b;
    }
    String text = Files.readString(f, StandardCharsets.UTF_8);
    ObjectMapper json = new ObjectMapper();
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (!line.isBlank()) {
        JsonNode n = json.readTree(line);
        if (n.has("ids") && n.get("epoch").asInt() == epoch) {
          b.add(n);
        }
      }
    }
    return b;
  }

  private static long batchesOf(Path out, int rank, int epoch) throws IOException {
    return batches(out, rank, epoch).size();
  }

  private static <T> CompletableFuture<T> async(Supplier<T> job) {
    return CompletableFuture.supplyAsync(job);
  }

  private static void awaitExecutors(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    // getExecutorMemoryStatus counts the driver too.
    while (spark.sparkContext().getExecutorMemoryStatus().size() < n + 1 && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    assertThat(spark.sparkContext().getExecutorMemoryStatus().size() - 1)
        .as("executors registered\n%s", cluster.logs()).isEqualTo(n);
  }

  /** The index of {@code file} among {@code files} ({@code _index/<name>.idx} beside it), or null. */
  private static String indexOf(String file, List<String> files) {
    int slash = file.lastIndexOf('/');
    String index = file.substring(0, slash) + "/_index/" + file.substring(slash + 1) + ".idx";
    return files.contains(index) ? index : null;
  }

  /** count, sum(image_class), number of image_floats values of the golden mnist file, by protobuf-java. */
  private static long[] mnistReference(Path golden) throws IOException {
    long[] out = new long[3];
    try (InputStream raw = Files.newInputStream(golden.resolve("tfrecord/tfx_mnist/mnist.tfrecord"));
        TfRecordReader reader = TfRecordReader.open(raw, "mnist.tfrecord", ReaderOptions.DEFAULT)) {
      for (byte[] payload = reader.next(); payload != null; payload = reader.next()) {
        Map<String, Feature> f = ExampleCodec.decodeExample(payload, "mnist", reader.lastOffset())
            .getFeatures().getFeatureMap();
        out[0]++;
        out[1] += f.get("image_class").getInt64List().getValue(0);
        out[2] += f.get("image_floats").getFloatList().getValueCount();
      }
    }
    return out;
  }

  private static Path goldenDir() {
    return Path.of(System.getProperty("s3dlio.golden.dir"));
  }

  private static FileSystem fs() throws IOException {
    return new org.apache.hadoop.fs.Path(base).getFileSystem(spark.sparkContext().hadoopConfiguration());
  }

  private static List<String> listFiles(String folder) throws IOException {
    List<String> out = new ArrayList<>();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(folder);
    if (!fs().exists(p)) {
      return out;
    }
    RemoteIterator<LocatedFileStatus> it = fs().listFiles(p, true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toString());
    }
    out.sort(null);
    return out;
  }

  private static void put(String uri, byte[] data) throws IOException {
    ObjectUri u = ObjectUri.parse(uri);
    stores.storeFor(u).put(u, data);
  }

  private static byte[] get(String uri) throws IOException {
    ObjectUri u = ObjectUri.parse(uri);
    return stores.storeFor(u).get(u);
  }
}
