package io.s3dlio.tfrecord.spark.bench;

import com.google.protobuf.ByteString;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.spark.source.TfRecordMetrics;
import java.io.BufferedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;

/**
 * The large-file split check (a main, not a test; docs/spark-tfrecord.md): writes one TFRecord
 * file of about SIZE bytes with no index (Examples of an id and a random payload of 100 to 8,000
 * bytes, seeded), then reads it with Spark local[2] split by resync ({@code maxPartitionBytes}
 * SPLIT) and unsplit (one partition), and compares the record count, sum(id) and an
 * order-independent checksum of the record contents (the sum of xxhash64(id, payload)). Exits 1 on
 * any difference. Args: FILE [SIZE=2200000000] [SPLIT=134217728].
 */
public final class TfRecordSplitCheck {
  private TfRecordSplitCheck() {
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]).toAbsolutePath();
    long size = args.length > 1 ? Long.parseLong(args[1]) : 2_200_000_000L;
    long split = args.length > 2 ? Long.parseLong(args[2]) : 128L << 20;
    long t0 = System.nanoTime();
    long records = generate(file, size);
    System.out.printf("generated %s: %d records, %d bytes in %.1f s%n", file, records, Files.size(file),
        (System.nanoTime() - t0) / 1e9);

    SparkSession spark = SparkSession.builder().master("local[2]").appName("TfRecordSplitCheck")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.adaptive.enabled", "false").getOrCreate();
    String uri = file.toUri().toString();
    String schema = "id bigint, data binary";
    String[] unsplit = run("unsplit", spark.read().format("tfrecord").schema(schema)
        .option("useIndex", "never").option("splitWithoutIndex", "false").load(uri));
    String[] resync = run("resync ", spark.read().format("tfrecord").schema(schema).option("useIndex", "never")
        .option("maxPartitionBytes", String.valueOf(split)).load(uri));
    spark.stop();

    boolean ok = unsplit[0].equals(resync[0]) && unsplit[0].startsWith(records + "|"
        + (records * (records - 1) / 2) + "|");
    System.out.println(ok ? "OK: the split read equals the unsplit read and the generated file"
        : "MISMATCH: generated " + records + " records");
    System.exit(ok ? 0 : 1);
  }

  /** Writes records until the file reaches {@code size} bytes; returns the record count. */
  static long generate(Path file, long size) throws Exception {
    Random rnd = new Random(20260101L);
    long n = 0;
    long bytes = 0;
    byte[] payload = new byte[8000];
    try (TfRecordWriter w = new TfRecordWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20),
        Compression.NONE)) {
      while (bytes < size) {
        int len = 100 + rnd.nextInt(7901);
        rnd.nextBytes(payload);
        byte[] rec = Example.newBuilder().setFeatures(Features.newBuilder()
            .putFeature("id", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(n)).build())
            .putFeature("data", Feature.newBuilder().setBytesList(BytesList.newBuilder()
                .addValue(ByteString.copyFrom(payload, 0, len))).build()))
            .build().toByteArray();
        w.write(rec);
        bytes += rec.length + 16L;
        n++;
      }
    }
    return n;
  }

  /** Runs the aggregate and prints it with the time and the scan's metrics. */
  private static String[] run(String name, Dataset<Row> df) {
    Dataset<Row> agg = df.selectExpr("count(*)", "sum(id)",
        "sum(cast(xxhash64(id, data) as decimal(38, 0)))", "sum(length(data))");
    long t0 = System.nanoTime();
    Row r = agg.collectAsList().get(0);
    double s = (System.nanoTime() - t0) / 1e9;
    List<BatchScanExec> scans = new ArrayList<>();
    collect(agg.queryExecution().executedPlan(), scans);
    BatchScanExec scan = scans.get(0);
    StringBuilder m = new StringBuilder();
    for (String k : TfRecordMetrics.NAMES) {
      m.append(' ').append(k).append('=').append(scan.metrics().apply(k).value());
    }
    String result = r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(3);
    System.out.printf("%s: %d partitions, %.1f s; count|sum(id)|sum(xxhash64)|payload bytes = %s;%s%n", name,
        scan.inputRDD().getNumPartitions(), s, result, m);
    return new String[] {result};
  }

  private static void collect(SparkPlan plan, List<BatchScanExec> out) {
    if (plan instanceof BatchScanExec s) {
      out.add(s);
    }
    for (SparkPlan c : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
      collect(c, out);
    }
  }
}
