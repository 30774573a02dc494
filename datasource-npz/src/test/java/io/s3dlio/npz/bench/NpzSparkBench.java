package io.s3dlio.npz.bench;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpzWriter;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark read benchmark of the npz source; not a test. It uses only {@code spark.read.format("npz")}
 * with options both the current and the previous implementation understand, so the same class
 * runs on either classpath (see bench/run-spark-bench.sh, which alternates them):
 *
 * <pre>
 * NpzSparkBench prepare &lt;local-dir&gt; [bigFiles=200] [smallFiles=20000]
 * NpzSparkBench run &lt;dir-or-uri&gt; &lt;label&gt; [repeats=3]
 * NpzSparkBench list &lt;local-dir&gt; [rounds=10]
 * </pre>
 * ({@code run} reads {@code <uri>/big} and {@code <uri>/small}, e.g. a copy of the folder in a bucket
 * of the S3 test server; storage settings come from the environment and {@code -Dspark.*} properties.)
 * {@code big/}: files of about 4 MiB (x: float32 (4092, 256), y: int64 (4092,), stored);
 * {@code small/}: files of about 4 KiB (x: float32 (1000,), y: int64 (1,)). Each query runs
 * {@code repeats} times in one JVM; every time is printed as {@code RESULT label query seconds
 * partitions value cpu} (partitions: tasks of the query's scan; cpu: seconds of CPU the whole JVM
 * used during the query, all threads, a measure that a loaded machine disturbs less than the wall
 * clock). {@code small.file.sum_y.opencost64k} is {@code small.file.sum_y} with
 * {@code spark.sql.files.openCostInBytes=65536} for that query (Spark's packing, tuned for files that
 * are cheap to open; an implementation that does not pack ignores it). {@code -Dnpz.bench.only=REGEX}
 * runs only the queries whose names match (for profiling one query). Each timing is followed by a
 * line {@code PHASES label query load s plan s run s}: {@code load()} (listing and schema inference
 * for a file source), physical planning, and running the query (including the scan's partition
 * planning), the three parts of the timing; and by a line {@code TASKS label query cpu s run s tasks n}:
 * the sums of the query's tasks' executor CPU and run time (Spark's task metrics, all its jobs), the
 * cost of the reading itself without the JVM's JIT compiler and GC threads, which the JVM's CPU time
 * includes and which still compile for tens of queries in a fresh JVM; then the JVM's collectors' time
 * and its JIT compilers' time during the query (management beans).
 */
public final class NpzSparkBench {
  private NpzSparkBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("prepare")) {
      Path dir = Path.of(args[1]).toAbsolutePath();
      int big = args.length > 2 ? Integer.parseInt(args[2]) : 200;
      int small = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
      fill(dir.resolve("big"), big, 4092, 256);
      fill(dir.resolve("small"), small, 1, 1000);
      return;
    }
    if (args[0].equals("list")) {
      list(Path.of(args[1]).toAbsolutePath(), args.length > 2 ? Integer.parseInt(args[2]) : 10);
      return;
    }
    if (args[0].equals("index")) {
      index(Path.of(args[1]).toAbsolutePath(), args.length > 2 ? Integer.parseInt(args[2]) : 10);
      return;
    }
    String label = args[2];
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("npz-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    TaskTimes tasks = new TaskTimes();
    spark.sparkContext().addSparkListener(tasks);
    String root = args[1].contains("://") ? args[1] : Path.of(args[1]).toAbsolutePath().toString();
    String big = root + "/big";
    String small = root + "/small";
    List<Query> queries = new ArrayList<>();
    queries.add(new Query("big.sample.sum_size_x", big, "sample", df -> df.selectExpr("sum(size(x))")));
    queries.add(new Query("big.sample.sum_y", big, "sample", df -> df.selectExpr("sum(y)")));
    queries.add(new Query("big.file.count", big, "file", df -> df.groupBy().count()));
    queries.add(new Query("small.file.count", small, "file", df -> df.groupBy().count()));
    queries.add(new Query("small.file.sum_size_x", small, "file", df -> df.selectExpr("sum(size(x))")));
    queries.add(new Query("small.file.sum_y", small, "file", df -> df.selectExpr("sum(y[0])")));
    queries.add(new Query("small.file.sum_y.opencost64k", small, "file", df -> df.selectExpr("sum(y[0])")));
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    String only = System.getProperty("npz.bench.only", "");
    queries.removeIf(q -> !q.name.matches(only.isEmpty() ? ".*" : only));
    for (int r = 0; r < repeats; r++) {
      for (Query q : queries) {
        boolean tuned = q.name.endsWith(".opencost64k");
        if (tuned) {
          spark.conf().set("spark.sql.files.openCostInBytes", "65536");
        }
        spark.sparkContext().listenerBus().waitUntilEmpty();
        tasks.reset();
        long jit0 = jit.getTotalCompilationTime();
        long gc0 = gcMillis();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Dataset<Row> df = q.query.apply(spark.read().format("npz").option("layout", q.layout).load(q.path));
        long t1 = System.nanoTime();
        df.queryExecution().executedPlan();
        long t2 = System.nanoTime();
        long value = df.collectAsList().get(0).getLong(0);
        long t3 = System.nanoTime();
        double sec = (t3 - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        int partitions = scanPartitions(df.queryExecution().executedPlan());
        if (tuned) {
          spark.conf().unset("spark.sql.files.openCostInBytes");
        }
        System.out.printf(Locale.ROOT, "RESULT %s %s %.3f %d %d %.3f%n", label, q.name, sec, partitions, value, cpu);
        System.out.printf(Locale.ROOT, "PHASES %s %s load %.3f plan %.3f run %.3f%n", label, q.name, (t1 - t0) / 1e9,
            (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        long jitMillis = jit.getTotalCompilationTime() - jit0;
        long gcTotal = gcMillis() - gc0;
        spark.sparkContext().listenerBus().waitUntilEmpty();
        System.out.printf(Locale.ROOT, "TASKS %s %s cpu %.3f run %.3f tasks %d gc %.3f jit %.3f%n", label, q.name,
            tasks.cpuNanos / 1e9, tasks.runMillis / 1e3, tasks.count, gcTotal / 1e3, jitMillis / 1e3);
      }
    }
    spark.stop();
  }

  /**
   * Times listing one folder (with each file's length and modification time) the ways a read can:
   * Hadoop's {@code file://} FileSystem ({@code LocalFileSystem}, the checksum layer) and the raw one
   * under it ({@code RawLocalFileSystem}), which Spark's file index lists through, beside the JDK's
   * own directory stream with each file's attributes (what the previous implementation's local
   * store did). Prints {@code LIST round local-ms raw-ms jdk-ms files}.
   */
  private static void list(Path dir, int rounds) throws Exception {
    org.apache.hadoop.fs.Path hdir = new org.apache.hadoop.fs.Path(dir.toUri());
    org.apache.hadoop.fs.FileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
    org.apache.hadoop.fs.FileSystem raw = ((org.apache.hadoop.fs.ChecksumFileSystem) local).getRawFileSystem();
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      int n1 = local.listStatus(hdir).length;
      long t1 = System.nanoTime();
      int n2 = raw.listStatus(hdir).length;
      long t2 = System.nanoTime();
      int n3 = 0;
      long bytes = 0;
      try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
          bytes += a.size() + (a.lastModifiedTime().toMillis() & 1);
          n3++;
        }
      }
      long t3 = System.nanoTime();
      if (n1 != n2 || n2 != n3 || bytes < 0) {
        throw new IllegalStateException("listings differ: " + n1 + ", " + n2 + ", " + n3);
      }
      System.out.printf(Locale.ROOT, "LIST %d %.1f %.1f %.1f %d%n", r, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
          (t3 - t2) / 1e6, n3);
    }
  }

  /**
   * Times the steps of a read's {@code load()} on one folder, in one JVM with a Spark session:
   * Hadoop's listing alone ({@code LocalFileSystem.listStatus}), Spark's file index over it
   * ({@code InMemoryFileIndex}) without a file status cache, with the session's cache (what
   * {@code FileTable} uses), each with this source's path filter ({@code NpzPathFilter}), without a
   * filter, the whole {@code load()} (with and without schema inference), a copy of the read's Hadoop
   * configuration and its broadcast. Prints {@code INDEX step ms files} per round and the median
   * and minimum of each step over the rounds after the first ({@code INDEX median}).
   */
  private static void index(Path dir, int rounds) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("npz-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    org.apache.hadoop.fs.Path hdir = new org.apache.hadoop.fs.Path(dir.toString());
    org.apache.hadoop.fs.FileSystem local = hdir.getFileSystem(spark.sessionState().newHadoopConf());
    hdir = local.makeQualified(hdir);
    scala.collection.immutable.Seq<org.apache.hadoop.fs.Path> roots =
        CollectionConverters.asScala(List.of(hdir)).toSeq();
    scala.collection.immutable.Map<String, String> none = scala.collection.immutable.Map$.MODULE$.empty();
    scala.collection.immutable.Map<String, String> filter = none.updated("mapreduce.input.pathFilter.class", "io.s3dlio.npz.spark.NpzPathFilter$Npz");
    org.apache.spark.sql.types.StructType schema = spark.read().format("npz").load(dir.toString()).schema();
    java.util.Map<String, List<Double>> times = new java.util.LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      int n = local.listStatus(hdir).length;
      step(times, "hadoop.listStatus", t0, n);
      t0 = System.nanoTime();
      var idx = new org.apache.spark.sql.execution.datasources.InMemoryFileIndex(spark, roots, filter,
          scala.Option.empty(), org.apache.spark.sql.execution.datasources.NoopCache$.MODULE$, scala.Option.empty(),
          scala.Option.empty());
      step(times, "index.noCache", t0, idx.allFiles().size());
      t0 = System.nanoTime();
      idx = new org.apache.spark.sql.execution.datasources.InMemoryFileIndex(spark, roots, none,
          scala.Option.empty(), org.apache.spark.sql.execution.datasources.NoopCache$.MODULE$, scala.Option.empty(),
          scala.Option.empty());
      step(times, "index.noCache.noFilter", t0, idx.allFiles().size());
      t0 = System.nanoTime();
      idx = new org.apache.spark.sql.execution.datasources.InMemoryFileIndex(spark, roots, filter,
          scala.Option.empty(), org.apache.spark.sql.execution.datasources.FileStatusCache$.MODULE$.getOrCreate(spark),
          scala.Option.empty(), scala.Option.empty());
      step(times, "index.sessionCache", t0, idx.allFiles().size());
      t0 = System.nanoTime();
      Dataset<Row> df = spark.read().format("npz").load(dir.toString());
      step(times, "load", t0, 0);
      t0 = System.nanoTime();
      df = spark.read().format("npz").schema(schema).load(dir.toString());
      step(times, "load.withSchema", t0, 0);
      t0 = System.nanoTime();
      org.apache.hadoop.conf.Configuration conf = spark.sessionState().newHadoopConfWithOptions(filter);
      step(times, "conf.newHadoopConfWithOptions", t0, conf.size());
      t0 = System.nanoTime();
      var b = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new org.apache.spark.util.SerializableConfiguration(conf));
      step(times, "conf.broadcast", t0, 0);
      b.destroy();
    }
    for (var e : times.entrySet()) {
      List<Double> v = new ArrayList<>(e.getValue().subList(1, e.getValue().size()));
      java.util.Collections.sort(v);
      System.out.printf(Locale.ROOT, "INDEX median %s %.1f min %.1f%n", e.getKey(), v.get(v.size() / 2), v.get(0));
    }
    spark.stop();
  }

  private static void step(java.util.Map<String, List<Double>> times, String name, long t0, int files) {
    double ms = (System.nanoTime() - t0) / 1e6;
    times.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
    System.out.printf(Locale.ROOT, "INDEX %s %.1f %d%n", name, ms, files);
  }

  /** Milliseconds the JVM's collectors have spent so far (all collectors, pauses and concurrent work). */
  private static long gcMillis() {
    long ms = 0;
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /** Partitions (tasks) of the query's scan. */
  private static int scanPartitions(SparkPlan plan) {
    for (SparkPlan p : CollectionConverters.asJava(plan.collectLeaves())) {
      if (p instanceof BatchScanExec scan) {
        return scan.inputRDD().getNumPartitions();
      }
    }
    return -1;
  }

  /**
   * Sums of the finished tasks' executor CPU and run time (Spark's task metrics): the cost of the
   * tasks' own threads, without the JVM's JIT compiler and GC threads and the driver, which the
   * process CPU time includes.
   */
  private static final class TaskTimes extends org.apache.spark.scheduler.SparkListener {
    private volatile long cpuNanos;
    private volatile long runMillis;
    private volatile int count;

    synchronized void reset() {
      cpuNanos = 0;
      runMillis = 0;
      count = 0;
    }

    @Override
    public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        cpuNanos += end.taskMetrics().executorCpuTime();
        runMillis += end.taskMetrics().executorRunTime();
        count++;
      }
    }
  }

  private record Query(String name, String path, String layout, Function<Dataset<Row>, Dataset<Row>> query) {
  }

  private static void fill(Path dir, int files, int rows, int cols) throws Exception {
    Files.createDirectories(dir);
    Random rnd = new Random(42);
    byte[] x = new byte[rows * cols * 4];
    for (int i = 0; i < x.length; i += 4) {
      float f = rnd.nextFloat();
      int bits = Float.floatToIntBits(f);
      x[i] = (byte) bits;
      x[i + 1] = (byte) (bits >> 8);
      x[i + 2] = (byte) (bits >> 16);
      x[i + 3] = (byte) (bits >> 24);
    }
    long[] xShape = rows == 1 ? new long[] {cols} : new long[] {rows, cols};
    for (int i = 0; i < files; i++) {
      Path f = dir.resolve(String.format("f%06d.npz", i));
      if (Files.exists(f)) {
        continue;
      }
      byte[] y = new byte[rows * 8];
      for (int k = 0; k < rows; k++) {
        long v = (long) i * rows + k;
        for (int b = 0; b < 8; b++) {
          y[k * 8 + b] = (byte) (v >> (8 * b));
        }
      }
      try (OutputStream out = Files.newOutputStream(f); NpzWriter w = NpzWriter.stored(out)) {
        w.add("x", new NpyArray(NpyDtype.of('f', 4), xShape, x));
        w.add("y", new NpyArray(NpyDtype.of('i', 8), new long[] {rows}, y));
      }
    }
  }
}
