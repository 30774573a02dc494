package io.s3dlio.tfrecord.spark.bench;

import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.proto.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Benchmark (a main, not a test): local[2]; ROWS rows of (id bigint, label bigint, 64 floats,
 * 4 KB bytes) written once as 8 files and once as one file; then count, pruned read (label +
 * floats) and all-columns read through the tfrecord source, and the naive baseline (binaryFile +
 * a UDF parsing whole files with protobuf-java). Args: [rows] [workDir].
 */
public final class TfRecordSparkBench {
  private TfRecordSparkBench() {
  }

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
    Path work = Path.of(args.length > 1 ? args[1] : "target/bench");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("TfRecordSparkBench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.udf().register("parseAll", (UDF1<byte[], Long>) TfRecordSparkBench::parseAll, DataTypes.LongType);
    Dataset<Row> df = spark.range(0, rows, 1, 8).selectExpr("id", "id % 10 as label",
        "transform(sequence(1, 64), i -> cast(id * i as float)) as floats",
        "cast(repeat(substr(sha2(cast(id as string), 256), 1, 32), 128) as binary) as data");
    for (String layout : new String[] {"8files", "1file"}) {
      Path dir = work.resolve(layout);
      delete(dir);
      long t0 = System.nanoTime();
      (layout.equals("8files") ? df : df.coalesce(1)).write().format("tfrecord").save(dir.toUri().toString());
      double writeS = (System.nanoTime() - t0) / 1e9;
      long bytes;
      try (Stream<Path> s = Files.walk(dir)) {
        bytes = s.filter(p -> p.toString().endsWith(".tfrecord")).mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf("%s: wrote %d rows, %.1f MB in %.1f s%n", layout, rows, bytes / 1e6, writeS);
      String uri = dir.toUri().toString();
      Dataset<Row> tf = spark.read().format("tfrecord").schema(df.schema()).load(uri);
      System.out.printf("%s: %d input partitions%n", layout, tf.rdd().getNumPartitions());
      run(layout, "count", rows, bytes, () -> tf.count());
      run(layout, "pruned(label,floats)", rows, bytes,
          () -> tf.selectExpr("sum(label)", "sum(floats[63])").collectAsList().size());
      run(layout, "all columns", rows, bytes,
          () -> tf.selectExpr("sum(id)", "sum(label)", "sum(floats[0])", "sum(length(data))").collectAsList().size());
      run(layout, "baseline binaryFile+UDF", rows, bytes, () -> spark.read().format("binaryFile")
          .option("pathGlobFilter", "*.tfrecord").load(uri).selectExpr("sum(parseAll(content))").first().getLong(0));
    }
    spark.stop();
  }

  private interface Job {
    Object run() throws Exception;
  }

  private static void run(String layout, String name, long rows, long bytes, Job job) throws Exception {
    job.run(); // warm-up
    long t0 = System.nanoTime();
    job.run();
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%-7s %-26s %8.2f s %12.0f rows/s %9.1f MB/s%n", layout, name, s, rows / s, bytes / 1e6 / s);
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
