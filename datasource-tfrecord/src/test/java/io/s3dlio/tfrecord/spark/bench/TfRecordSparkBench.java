package io.s3dlio.tfrecord.spark.bench;

import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.Int64List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark (a main, not a test) of the tfrecord source through the DataFrame API only, so that
 * the same class runs against the current build and against an earlier one on its class path
 * ({@code bench/run-spark-bench.sh} runs both, alternating). Spark local[2].
 *
 * <pre>
 * gen-small DIR FILES RECORDS BYTES   write FILES small TFRecord files of RECORDS Examples each
 *                                     (id, BYTES of payload) with the codec
 * run LABEL ROWS WORK SMALLDIR [baseline]
 *     rows of (id bigint, label bigint, 64 floats, 4 KB binary) written as 8 files and as one file
 *     (once to warm up, then timed), then count, pruned read (label + floats) and all columns; then the small files:
 *     partitions planned and count (skipped when SMALLDIR does not exist). Each query runs once
 *     to warm up, then timed. Prints
 *     "RESULT|label|case|seconds|partitions|cpu" lines (cpu: seconds of CPU the whole JVM used
 *     during the timed run, all threads: less disturbed by a loaded machine than the wall clock). With "baseline": also binaryFile + a UDF that
 *     frames and parses whole files with protobuf-java.
 * </pre>
 */
public final class TfRecordSparkBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private TfRecordSparkBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("gen-small")) {
      generateSmall(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      return;
    }
    String label = args[1];
    long rows = Long.parseLong(args[2]);
    Path work = Path.of(args[3]);
    Path small = Path.of(args[4]);
    boolean baseline = args.length > 5 && args[5].equals("baseline");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("TfRecordSparkBench " + label)
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.udf().register("parseAll", (UDF1<byte[], Long>) TfRecordSparkBench::parseAll, DataTypes.LongType);
    Dataset<Row> df = spark.range(0, rows, 1, 8).selectExpr("id", "id % 10 as label",
        "transform(sequence(1, 64), i -> cast(id * i as float)) as floats",
        "cast(repeat(substr(sha2(cast(id as string), 256), 1, 32), 128) as binary) as data");
    for (String layout : new String[] {"8files", "1file"}) {
      Path dir = work.resolve(label + "-" + layout);
      Dataset<Row> out = layout.equals("8files") ? df : df.coalesce(1);
      // warm-up: the same write once, untimed (the first write of a JVM also pays for loading and
      // compiling Spark's write path), as every query below runs once before it is timed
      delete(dir);
      out.write().format("tfrecord").save(dir.toUri().toString());
      delete(dir);
      long cpu0 = OS.getProcessCpuTime();
      long t0 = System.nanoTime();
      out.write().format("tfrecord").save(dir.toUri().toString());
      result(label, layout + " write", (System.nanoTime() - t0) / 1e9, 0, (OS.getProcessCpuTime() - cpu0) / 1e9);
      String uri = dir.toUri().toString();
      Dataset<Row> tf = spark.read().format("tfrecord").schema(df.schema()).load(uri);
      int parts = tf.rdd().getNumPartitions();
      time(label, layout + " count", parts, () -> tf.count());
      time(label, layout + " pruned(label,floats)", parts,
          () -> tf.selectExpr("sum(label)", "sum(floats[63])").collectAsList().size());
      time(label, layout + " all columns", parts,
          () -> tf.selectExpr("sum(id)", "sum(label)", "sum(floats[0])", "sum(length(data))").collectAsList().size());
      if (baseline) {
        time(label, layout + " baseline binaryFile+UDF", 0, () -> spark.read().format("binaryFile")
            .option("pathGlobFilter", "*.tfrecord").load(uri).selectExpr("sum(parseAll(content))").first().getLong(0));
      }
    }
    if (Files.isDirectory(small)) { // the small-files case is skipped when its folder is absent
      StructType smallSchema = new StructType().add("id", DataTypes.LongType).add("data", DataTypes.BinaryType);
      Dataset<Row> tiny = spark.read().format("tfrecord").schema(smallSchema).load(small.toUri().toString());
      time(label, "small files count", tiny.rdd().getNumPartitions(), () -> tiny.count());
    }
    spark.stop();
  }

  private interface Job {
    Object run() throws Exception;
  }

  private static void time(String label, String name, int partitions, Job job) throws Exception {
    job.run(); // warm-up
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    job.run();
    result(label, name, (System.nanoTime() - t0) / 1e9, partitions, (OS.getProcessCpuTime() - cpu0) / 1e9);
  }

  private static void result(String label, String name, double seconds, int partitions, double cpu) {
    System.out.printf(java.util.Locale.ROOT, "RESULT|%s|%s|%.3f|%d|%.3f%n", label, name, seconds, partitions, cpu);
  }

  /** FILES files of RECORDS Examples (id, BYTES random payload), written with the codec. */
  static void generateSmall(Path dir, int files, int records, int bytes) throws Exception {
    delete(dir);
    Files.createDirectories(dir);
    Random random = new Random(42);
    byte[] payload = new byte[bytes];
    long id = 0;
    for (int f = 0; f < files; f++) {
      try (TfRecordWriter w = new TfRecordWriter(Files.newOutputStream(dir.resolve(String.format("f%05d.tfrecord", f))),
          Compression.NONE)) {
        for (int r = 0; r < records; r++) {
          random.nextBytes(payload);
          w.write(Example.newBuilder().setFeatures(Features.newBuilder()
              .putFeature("id", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(id++)).build())
              .putFeature("data", Feature.newBuilder().setBytesList(BytesList.newBuilder()
                  .addValue(com.google.protobuf.ByteString.copyFrom(payload))).build()))
              .build().toByteArray());
        }
      }
    }
  }

  /** The naive baseline: frame and fully parse every record of a whole file. */
  static long parseAll(byte[] file) throws Exception {
    long n = 0;
    int p = 0;
    while (p < file.length) {
      int len = (int) TfRecordFraming.length(file, p);
      Example.parseFrom(java.nio.ByteBuffer.wrap(file, p + 12, len));
      p += len + 16;
      n++;
    }
    return n;
  }

  private static void delete(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
  }
}
