package io.s3dlio.bundle.job;

import io.s3dlio.tfrecord.spark.index.SparkIndexer;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The job a user would submit with the bundle on {@code --jars}: index TFRecord files on s3://
 * with the Spark index job, read them with {@code format("tfrecord")}, read NPZ files on az:// with
 * {@code format("npz")}. It reports what it measured, as properties, to the file named by its
 * third argument; the test compares them with values computed independently.
 *
 * <pre>args: S3_BASE AZ_BASE RESULT_FILE</pre>
 * Data under S3_BASE: {@code tfrecord/mnist/} (1 file), {@code tfrecord/toy/} (2 shards); under
 * AZ_BASE: {@code npz/named/} (stored members), {@code npz/compressed/} (deflated members).
 * Built against the public API only: format names, paths, the index job's entry point.
 */
public final class BundleJob {
  /** Small chunks, so that the index job cuts the 3 MB file and stitches the parts. */
  private static final long INDEX_CHUNK_BYTES = 1 << 20;

  private BundleJob() {
  }

  public static void main(String[] args) throws Exception {
    String s3 = args[0];
    String az = args[1];
    Properties r = new Properties();
    SparkSession spark = SparkSession.builder().appName("s3dlio bundle check").getOrCreate();
    try {
      r.setProperty("spark.version", spark.version());
      r.setProperty("bundle.location",
          SparkIndexer.class.getProtectionDomain().getCodeSource().getLocation().toString());
      r.setProperty("fs.s3", FileSystem.get(URI.create(s3), spark.sparkContext().hadoopConfiguration())
          .getClass().getName());

      for (String dataset : new String[] {"mnist", "toy"}) {
        Map<String, Long> indexed = SparkIndexer.index(spark, s3 + "/tfrecord/" + dataset, INDEX_CHUNK_BYTES,
            ".idx", false);
        indexed.forEach((file, records) ->
            r.setProperty("indexed." + file.substring(file.lastIndexOf('/') + 1), Long.toString(records)));
      }

      Dataset<Row> mnist = spark.read().format("tfrecord").load(s3 + "/tfrecord/mnist");
      r.setProperty("mnist.partitions", Integer.toString(mnist.javaRDD().getNumPartitions()));
      Row m = mnist.selectExpr("count(*)", "sum(image_class)", "sum(size(image_floats))",
          "sum(aggregate(image_floats, 0D, (acc, x) -> acc + x))").first();
      r.setProperty("mnist.count", Long.toString(m.getLong(0)));
      r.setProperty("mnist.sum_image_class", Long.toString(m.getLong(1)));
      r.setProperty("mnist.floats", Long.toString(m.getLong(2)));
      r.setProperty("mnist.sum_image_floats", Double.toString(m.getDouble(3)));

      Row t = spark.read().format("tfrecord").load(s3 + "/tfrecord/toy")
          .selectExpr("count(*)", "sum(Num_1)", "sum(Cat_3)").first();
      r.setProperty("toy.count", Long.toString(t.getLong(0)));
      r.setProperty("toy.sum_Num_1", Double.toString(t.getDouble(1)));
      r.setProperty("toy.sum_Cat_3", Double.toString(t.getDouble(2)));

      // Exact sums (int64 extremes included) in decimal(38, 0).
      String[] named = {"b_int64", "k_uint8", "g_fortran", "h_bigendian"};
      Dataset<Row> npz = spark.read().format("npz").load(az + "/npz/named");
      r.setProperty("npz.named.count", Long.toString(npz.count()));
      Row n = npz.selectExpr(Arrays.stream(named)
          .map(a -> "sum(aggregate(" + a + ", cast(0 as decimal(38, 0)), (acc, x) -> acc + x))")
          .toArray(String[]::new)).first();
      for (int i = 0; i < named.length; i++) {
        r.setProperty("npz.named.sum_" + named[i], n.getDecimal(i).toBigIntegerExact().toString());
      }

      Row c = spark.read().format("npz").load(az + "/npz/compressed").selectExpr("count(*)",
          "sum(size(b_large))", "sum(aggregate(b_large, 0D, (acc, x) -> acc + x))").first();
      r.setProperty("npz.compressed.count", Long.toString(c.getLong(0)));
      r.setProperty("npz.compressed.b_large", Long.toString(c.getLong(1)));
      r.setProperty("npz.compressed.sum_b_large", Double.toString(c.getDouble(2)));
    } finally {
      try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
        r.store(out, "s3dlio bundle job");
      }
      spark.stop();
    }
  }
}
