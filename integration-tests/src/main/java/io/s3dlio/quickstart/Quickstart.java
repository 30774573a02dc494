package io.s3dlio.quickstart;

import com.google.protobuf.ByteString;
import io.s3dlio.bridge.StreamToPython;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.keys.KeyIndex;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.Int64List;
import io.s3dlio.tfrecord.spark.index.SparkIndexer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The quickstart: the project's main job, end to end, on {@code file://} and Spark {@code local[*]}
 * (or on S3 with {@code --s3}), each step timed and checked against the data it generated first:
 * <ol>
 *   <li>generate a small image-like dataset (ids, labels, keys, 3×32×32 images) in memory;</li>
 *   <li>write it as TFRecord with Spark, a DALI index for every part file (in {@code _index/});</li>
 *   <li>write one more TFRecord file without index and index it with the Spark index job;</li>
 *   <li>read both with {@code format("tfrecord")} split along those indexes across the cores: exact
 *       counts and sums;</li>
 *   <li>look records up by key (one range GET each);</li>
 *   <li>write and read an NPZ dataset;</li>
 *   <li>stream it to two local Python consumers through the bridge.</li>
 * </ol>
 * Any difference fails the run (exit status 1, naming the step and both values).
 *
 * <p>Usage: {@code Quickstart [--s3] [--records N] [DIR_OR_URI]}. Without a location: a new folder
 * under the temporary directory, or with {@code --s3} the bucket {@code $QUICKSTART_BUCKET}
 * (default {@code quickstart}) on the endpoint of {@code AWS_ENDPOINT_URL}.
 */
public final class Quickstart {
  static final int SIDE = 32;
  static final int CHANNELS = 3;
  static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
  static final int FEATURES = 8;
  static final int BATCH = 64;
  static final int RANKS = 2;

  private final SparkSession spark;
  private final String root;
  private final int records;
  private final int extra;

  Quickstart(SparkSession spark, String root, int records) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root : root + "/";
    this.records = records;
    this.extra = records / 4;
  }

  public static void main(String[] args) throws Exception {
    boolean s3 = false;
    int records = 2048;
    String where = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--s3" -> s3 = true;
        case "--records" -> records = Integer.parseInt(args[++i]);
        default -> where = args[i];
      }
    }
    if (records < RANKS * BATCH || records % (RANKS * BATCH) != 0) {
      throw new IllegalArgumentException("--records must be a multiple of " + RANKS * BATCH + ": " + records);
    }
    String root;
    if (where != null) {
      root = where.contains("://") ? where : Path.of(where).toAbsolutePath().toUri().toString();
    } else if (s3) {
      root = "s3://" + System.getenv().getOrDefault("QUICKSTART_BUCKET", "quickstart") + "/run-"
          + Long.toHexString(System.nanoTime()) + "/";
    } else {
      root = Files.createTempDirectory("s3dlio-quickstart").toUri().toString();
    }
    long t0 = System.nanoTime();
    SparkSession spark = SparkSession.builder().master("local[*]").appName("s3dlio-quickstart")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    int code;
    try {
      System.out.printf("s3dlio quickstart: %d records in %s, Spark local[*] (%d cores), started in %.1f s%n",
          records, root, spark.sparkContext().defaultParallelism(), (System.nanoTime() - t0) / 1e9);
      new Quickstart(spark, root, records).run();
      System.out.printf("quickstart OK in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      code = 0;
    } catch (Mismatch e) {
      System.err.println("quickstart FAILED: " + e.getMessage());
      code = 1;
    } finally {
      spark.stop();
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  /** A result that differs from the generated data. */
  static final class Mismatch extends Exception {
    Mismatch(String message) {
      super(message);
    }
  }

  /** Sums of a set of records, computed from the generated data or by Spark from what it read. */
  record Sums(long count, long ids, long labels, long imageCrcs) {
    static Sums of(Row r) {
      return new Sums(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3));
    }

    Sums plus(Sums o) {
      return new Sums(count + o.count, ids + o.ids, labels + o.labels, imageCrcs + o.imageCrcs);
    }
  }

  void run() throws Exception {
    Step s = new Step("1. generate " + records + " + " + extra + " image-like records (" + CHANNELS + "x" + SIDE + "x"
        + SIDE + " uint8)");
    List<Row> rows = new ArrayList<>();
    Sums expected = new Sums(0, 0, 0, 0);
    for (int id = 0; id < records; id++) {
      byte[] image = image(id);
      rows.add(RowFactory.create((long) id, label(id), key(id), image));
      expected = expected.plus(new Sums(1, id, label(id), crc(image)));
    }
    Sums expectedExtra = new Sums(0, 0, 0, 0);
    for (int id = records; id < records + extra; id++) {
      expectedExtra = expectedExtra.plus(new Sums(1, id, label(id), crc(image(id))));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("label", DataTypes.LongType)
        .add("key", DataTypes.StringType).add("image", DataTypes.BinaryType);
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(4);
    s.done(String.format("%.1f MB", records * (double) IMAGE_BYTES / 1e6));

    s = new Step("2. write TFRecord with Spark (a DALI index for each part file)");
    String tf = root + "tfrecord/";
    df.write().format("tfrecord").option("maxRecordsPerFile", String.valueOf(records / 8)).mode("overwrite").save(tf);
    List<String> parts = files(tf, ".tfrecord");
    List<String> indexes = files(tf, ".idx");
    check(parts.size() >= 8, "part files written", 8, parts.size());
    check(indexes.size() == parts.size(), "an index for every part file", parts.size(), indexes.size());
    s.done(parts.size() + " part files, " + indexes.size() + " indexes (in " + folderOf(indexes.get(0), tf) + ")");

    s = new Step("3. index a TFRecord file written without index, with the Spark index job");
    String raw = root + "raw/";
    writeUnindexed(raw + "extra.tfrecord");
    check(files(raw, ".idx").isEmpty(), "no index before the job", 0, files(raw, ".idx").size());
    Map<String, Long> indexed = SparkIndexer.index(spark, raw, 64L << 10, ".idx", false);
    long indexedRecords = indexed.values().stream().mapToLong(Long::longValue).sum();
    check(indexedRecords == extra, "records found by the index job", extra, indexedRecords);
    check(files(raw, ".idx").size() == 1, "index written", 1, files(raw, ".idx").size());
    s.done(indexedRecords + " records indexed in 64 KiB chunks");

    s = new Step("4. read with format(\"tfrecord\"), split along the indexes across the cores");
    Dataset<Row> read = spark.read().format("tfrecord").schema(schema).option("useIndex", "require")
        .option("maxPartitionBytes", String.valueOf(256 << 10)).load(tf, raw);
    int partitions = read.rdd().getNumPartitions();
    Row agg = read.selectExpr("count(*)", "sum(id)", "sum(label)", "sum(crc32(image))").first();
    Sums got = Sums.of(agg);
    Sums want = expected.plus(expectedExtra);
    check(got.equals(want), "count and sums of ids, labels, image CRC32s", want, got);
    check(partitions >= spark.sparkContext().defaultParallelism(), "input partitions (at least one per core)",
        spark.sparkContext().defaultParallelism(), partitions);
    s.done(String.format("%d records in %d partitions; sums equal the generated data", got.count(), partitions));

    s = new Step("5. look records up by key (key index, one range GET per record)");
    int found;
    try (StoreRegistry stores = new StoreRegistry(StoreConfig.fromEnvironment())) {
      KeyIndex keys = KeyIndex.openOrBuild(stores, List.of(tf), "key", ObjectUri.parse(root + "keys/key.keyidx"),
          KeyIndex.BuildOptions.DEFAULT);
      check(keys.size() == records, "keys in the index", records, keys.size());
      Random pick = new Random(7);
      found = 0;
      for (int i = 0; i < 16; i++) {
        int id = pick.nextInt(records);
        Example e = keys.get(keys.parseKey(key(id)));
        long gotId = e.getFeatures().getFeatureOrThrow("id").getInt64List().getValue(0);
        byte[] img = e.getFeatures().getFeatureOrThrow("image").getBytesList().getValue(0).toByteArray();
        check(gotId == id, "id of the record found by key " + key(id), id, gotId);
        check(crc(img) == crc(image(id)), "image of the record found by key " + key(id), crc(image(id)), crc(img));
        found++;
      }
      check(!keys.contains(keys.parseKey("no-such-key")), "an unknown key is absent", false, true);
    }
    s.done(found + " random keys found, records equal the generated ones");

    s = new Step("6. write and read an NPZ dataset (one row per sample)");
    String npz = root + "npz/";
    Dataset<Row> samples = df.selectExpr("id", "label",
        "transform(sequence(0, " + (FEATURES - 1) + "), j -> CAST(id % 100 + j AS FLOAT)) AS features");
    samples.write().format("npz").option("layout", "sample").mode("overwrite").save(npz);
    Dataset<Row> back = spark.read().format("npz").option("layout", "sample").load(npz);
    Row n = back.selectExpr("count(*)", "sum(id)", "sum(label)",
        "CAST(sum(aggregate(features, 0D, (a, x) -> a + x)) AS BIGINT)").first();
    long featureSum = 0;
    for (int id = 0; id < records; id++) {
      for (int j = 0; j < FEATURES; j++) {
        featureSum += id % 100 + j;
      }
    }
    Sums npzWant = new Sums(records, expected.ids(), expected.labels(), featureSum);
    check(Sums.of(n).equals(npzWant), "NPZ count and sums of ids, labels, features", npzWant, Sums.of(n));
    s.done(String.format("%d samples in %d .npz files; sums equal", n.getLong(0), files(npz, ".npz").size()));

    s = new Step("7. stream the NPZ dataset to " + RANKS + " Python consumers through the bridge");
    String python = StreamToPython.python();
    Path pkg = StreamToPython.pythonPackageDir();
    if (!StreamToPython.clientAvailable(python, pkg)) {
      throw new Mismatch("step 7: " + python + " cannot import s3dlio_bridge from " + pkg
          + " (it needs numpy, flatbuffers and crc32c: apt-get install python3-numpy python3-flatbuffers python3-crc32c)");
    }
    StreamToPython.Result r = StreamToPython.run(back.select("id", "label", "features"),
        Map.of("batch-size", String.valueOf(BATCH), "tensor.features", String.valueOf(FEATURES), "seed", "42"),
        RANKS, 1, python, pkg);
    check(r.rows() == records, "samples the Python consumers received", records, r.rows());
    s.done(String.format("%d samples to %d ranks, %.0f samples/s", r.rows(), RANKS, r.samplesPerSecond()));
  }

  /** Label of a record: its id modulo 10. */
  static long label(long id) {
    return id % 10;
  }

  static String key(long id) {
    return String.format(Locale.ROOT, "img-%06d", id);
  }

  /** An image-like array: a gradient per channel that moves with the id, plus seeded noise. */
  static byte[] image(long id) {
    byte[] b = new byte[IMAGE_BYTES];
    Random noise = new Random(id);
    for (int c = 0; c < CHANNELS; c++) {
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          b[(c * SIDE + y) * SIDE + x] = (byte) (x * 8 + y * 3 + c * 50 + id * 7 + noise.nextInt(16));
        }
      }
    }
    return b;
  }

  static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  /** Writes records {@code records .. records + extra} into one TFRecord file with the codec, no index. */
  private void writeUnindexed(String uri) throws IOException {
    ObjectUri target = ObjectUri.parse(uri);
    try (StoreRegistry stores = new StoreRegistry(StoreConfig.fromEnvironment());
        ObjectWriter w = stores.storeFor(target).openWriter(target);
        TfRecordWriter tf = new TfRecordWriter(w, Compression.NONE)) {
      for (long id = records; id < records + extra; id++) {
        Example e = Example.newBuilder().setFeatures(Features.newBuilder()
            .putFeature("id", int64(id))
            .putFeature("label", int64(label(id)))
            .putFeature("key", bytes(key(id).getBytes(StandardCharsets.UTF_8)))
            .putFeature("image", bytes(image(id)))).build();
        tf.write(ExampleCodec.encode(e));
      }
    }
  }

  private static Feature int64(long v) {
    return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(v)).build();
  }

  private static Feature bytes(byte[] v) {
    return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(v))).build();
  }

  /** Files under {@code dir} (recursively, through the Hadoop FileSystem) whose names end with {@code suffix}. */
  private List<String> files(String dir, String suffix) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
    while (it.hasNext()) {
      String name = it.next().getPath().toString();
      if (name.endsWith(suffix)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The folder of {@code file} relative to {@code root} ({@code _index/}), or "the part files' folder". */
  private static String folderOf(String file, String root) {
    String parent = new org.apache.hadoop.fs.Path(file).getParent().getName();
    return root.endsWith(parent + "/") ? "the part files' folder" : parent + "/";
  }

  private static void check(boolean ok, String what, Object expected, Object actual) throws Mismatch {
    if (!ok) {
      throw new Mismatch(what + ": expected " + expected + ", got " + actual);
    }
  }

  /** One step: its title first, then its timing and result. */
  private static final class Step {
    private final long start = System.nanoTime();

    Step(String title) {
      System.out.println(title);
    }

    void done(String result) {
      System.out.printf("   %6.2f s  %s%n", (System.nanoTime() - start) / 1e9, result);
    }
  }
}
