package io.s3dlio.tfrecord.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.tfrecord.codec.MaskedCrc32c;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.spark.SparkPlans;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.io.DaliIndex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.paths.SparkPath$;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets past 2^31, at CI size: a sparse file of 2.15 GB holding two valid Examples whose one
 * bytes feature is all zeros (the zeros are a hole: a few KB on disk), then 50 small Examples
 * that all start past 2^31, and its DALI index in {@code _index/}. Spark counts it cut into
 * 256 MiB splits (with verifyChecksums=false the counting reader seeks past payloads, so the zeros
 * are not read), and splits that start past 2^31 read and decode the small records, found through
 * the index and by resynchronisation. The whole-file 2.2 GB check with real data is
 * {@code bench/run-split-check.sh}.
 */
class TestSparkTfRecordPast2GiB {
  private static final long TWO_GIB = 1L << 31;
  private static final int SMALL = 50;

  private static SparkSession spark;
  private static Path file;
  private static long length;
  private static long firstSmall;
  private static final List<long[]> ENTRIES = new ArrayList<>();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    file = Files.createDirectories(tmp.resolve("big")).resolve("sparse.tfrecord");
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      long p = writeZeroExample(out, 0, 1_500_000_000L);
      firstSmall = writeZeroExample(out, p, TWO_GIB + 5_000 - p - 64);
      p = firstSmall;
      for (int i = 0; i < SMALL; i++) {
        byte[] payload = Example.newBuilder().setFeatures(Features.newBuilder().putFeature("id",
            Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(i)).build())).build().toByteArray();
        out.seek(p);
        out.write(frame(payload));
        ENTRIES.add(new long[] {p, payload.length + 16L});
        p += payload.length + 16L;
      }
      length = p;
    }
    assertThat(firstSmall).isGreaterThan(TWO_GIB);
    assertThat(Files.size(file)).isEqualTo(length);
    long[] off = ENTRIES.stream().mapToLong(e -> e[0]).toArray();
    long[] size = ENTRIES.stream().mapToLong(e -> e[1]).toArray();
    Path index = Files.createDirectories(file.resolveSibling("_index")).resolve(file.getFileName() + ".idx");
    Files.write(index, new DaliIndex(off, size).toBytes());
    spark = SparkSession.builder().master("local[2]").appName("TestSparkTfRecordPast2GiB")
        .config("spark.ui.enabled", "false").config("spark.sql.adaptive.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() throws IOException {
    if (spark != null) {
      spark.stop();
    }
    Files.deleteIfExists(file);
  }

  /**
   * Writes at {@code at} a framed Example {@code {"pad": bytes_list [<zeros>]}} of about
   * {@code payloadBytes}, the zeros left as a hole; returns where the next record starts.
   */
  private static long writeZeroExample(RandomAccessFile out, long at, long payloadBytes) throws IOException {
    long zeros = payloadBytes - 32;
    byte[] prefix = examplePrefix(zeros);
    long payload = prefix.length + zeros;
    CRC32C crc = new CRC32C();
    crc.update(prefix);
    byte[] block = new byte[1 << 20];
    for (long left = zeros; left > 0; left -= block.length) {
      crc.update(block, 0, (int) Math.min(block.length, left));
    }
    byte[] header = new byte[12];
    TfRecordFraming.writeHeader(header, 0, payload);
    out.seek(at);
    out.write(header);
    out.write(prefix);
    byte[] footer = new byte[4];
    TfRecordFraming.writeIntLe(footer, 0, MaskedCrc32c.mask((int) crc.getValue()));
    out.seek(at + 12 + payload);
    out.write(footer);
    ENTRIES.add(new long[] {at, payload + 16});
    return at + payload + 16;
  }

  /** The protobuf bytes of Example{features{feature{"pad": Feature{bytes_list{value: n bytes}}}}} before the bytes. */
  static byte[] examplePrefix(long n) {
    long bytesList = 1 + varintSize(n) + n;
    long feature = 1 + varintSize(bytesList) + bytesList;
    long entry = 1 + 1 + 3 + 1 + varintSize(feature) + feature;
    long features = 1 + varintSize(entry) + entry;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x0a); // Example.features
    varint(b, features);
    b.write(0x0a); // Features.feature (map entry)
    varint(b, entry);
    b.write(0x0a); // key
    b.write(3);
    b.writeBytes("pad".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.write(0x12); // value: Feature
    varint(b, feature);
    b.write(0x0a); // Feature.bytes_list
    varint(b, bytesList);
    b.write(0x0a); // BytesList.value
    varint(b, n);
    return b.toByteArray();
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static void varint(ByteArrayOutputStream b, long v) {
    while ((v & ~0x7fL) != 0) {
      b.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
  }

  private static byte[] frame(byte[] payload) {
    byte[] f = new byte[payload.length + 16];
    TfRecordFraming.writeHeader(f, 0, payload.length);
    System.arraycopy(payload, 0, f, 12, payload.length);
    TfRecordFraming.writeIntLe(f, 12 + payload.length, MaskedCrc32c.of(payload, 0, payload.length));
    return f;
  }

  @Test
  void thePaddingPrefixIsProtobufJavasEncoding() throws Exception {
    byte[] small = new byte[300];
    byte[] expected = Example.newBuilder().setFeatures(Features.newBuilder().putFeature("pad",
        Feature.newBuilder().setBytesList(io.s3dlio.tfrecord.proto.BytesList.newBuilder()
            .addValue(com.google.protobuf.ByteString.copyFrom(small))).build())).build().toByteArray();
    byte[] prefix = examplePrefix(small.length);
    byte[] ours = new byte[prefix.length + small.length];
    System.arraycopy(prefix, 0, ours, 0, prefix.length);
    assertThat(ours).isEqualTo(expected);
  }

  @Test
  void sparkCountsEveryRecordWithSplitsPast2GiB() {
    SparkPlans.Read r = SparkPlans.read(spark.read().format("tfrecord").schema("id bigint")
        .option("verifyChecksums", "false").option("maxPartitionBytes", String.valueOf(256L << 20))
        .load(file.getParent().toUri().toString()).selectExpr("count(*)"));
    assertThat(r.rows()).containsExactly((SMALL + 2) + "|");
    long splits = (length + (256L << 20) - 1) / (256L << 20);
    assertThat(r.partitions()).isEqualTo((int) splits);
    assertThat(r.metric(TfRecordMetrics.RECORDS_READ)).isEqualTo(SMALL + 2);
    assertThat(r.metric(TfRecordMetrics.INDEX_SPLITS)).isEqualTo(splits - 1);
    assertThat(r.metric(TfRecordMetrics.BYTES_READ)).as("the zeros are seeked past, not read").isLessThan(1L << 24);
  }

  private static List<Long> readIds(long start, String useIndex, TfRecordMetrics.Totals totals) throws IOException {
    PartitionedFile split = PartitionedFile.apply(new GenericInternalRow(0),
        SparkPath$.MODULE$.fromUrlString(file.toUri().toString()), start, length - start, new String[0], 0, length,
        scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(
            new java.util.HashMap<String, Object>())));
    TfRecordOptions options = TfRecordOptions.parse(Map.of(TfRecordOptions.USE_INDEX, useIndex));
    List<Long> ids = new ArrayList<>();
    try (TfRecordFileReader reader = new TfRecordFileReader(new Configuration(), split, options,
        new StructType().add("id", DataTypes.LongType), new StructType(), totals)) {
      while (reader.next()) {
        ids.add(reader.get().getLong(0));
      }
    }
    return ids;
  }

  @Test
  void splitsStartingPast2GiBFindTheirRecordsByIndexAndByResync() throws IOException {
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < SMALL; i++) {
      expected.add(i);
    }
    for (long start : List.of(TWO_GIB, TWO_GIB + 1, firstSmall - 1_000_000, firstSmall)) {
      TfRecordMetrics.Totals byIndex = new TfRecordMetrics.Totals();
      assertThat(readIds(start, "require", byIndex)).as("index, split at %d", start).isEqualTo(expected);
      assertThat(byIndex.indexSplits).isEqualTo(1);
      TfRecordMetrics.Totals byResync = new TfRecordMetrics.Totals();
      assertThat(readIds(start, "never", byResync)).as("resync, split at %d", start).isEqualTo(expected);
      assertThat(byResync.resyncSplits).isEqualTo(1);
    }
    // A split that starts on the second small record reads all but the first.
    assertThat(readIds(ENTRIES.get(3)[0], "require", new TfRecordMetrics.Totals())).hasSize(SMALL - 1)
        .startsWith(1L);
  }
}
