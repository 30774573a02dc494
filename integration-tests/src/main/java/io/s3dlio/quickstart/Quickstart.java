package io.s3dlio.quickstart;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The quickstart job on the embedded defaults ({@code file://} and Spark {@code local[*]}):
 * writes a small dataset through the object-store API, reads it back by whole object, by range
 * and by stream, lists it, copies it, then has Spark read the same objects and checks that both
 * agree. Exits non-zero on any mismatch. Run it with {@code bin/quickstart [DIR]}.
 */
public final class Quickstart {
  private Quickstart() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]).toAbsolutePath()
        : Files.createTempDirectory("s3dlio-quickstart");
    ObjectUri root = ObjectUri.local(ObjectUri.Scheme.FILE, dir + "/");
    System.out.println("s3dlio quickstart in " + root);

    List<String> digests = new ArrayList<>();
    long totalBytes = 0;
    try (ObjectStore store = ObjectStores.open(root, StoreConfig.fromEnvironment())) {
      Random random = new Random(42);
      for (int i = 0; i < 8; i++) {
        byte[] data = new byte[64 * 1024 + i * 4099];
        random.nextBytes(data);
        ObjectUri uri = root.child("shards/shard-" + i + ".bin");
        if (i % 2 == 0) {
          store.put(uri, data);
        } else {
          try (ObjectWriter w = store.openWriter(uri)) {
            w.write(data);
          }
        }
        check(Arrays.equals(store.get(uri), data), "whole read of " + uri);
        check(Arrays.equals(store.getRange(uri, 1000, 5000), Arrays.copyOfRange(data, 1000, 6000)), "range read of " + uri);
        try (InputStream in = store.openRange(uri, 0, -1)) {
          check(Arrays.equals(in.readAllBytes(), data), "streamed read of " + uri);
        }
        digests.add(sha256(data));
        totalBytes += data.length;
      }
      List<ObjectEntry> listed = new ArrayList<>();
      store.list(root.child("shards/"), ListOptions.recursive()).forEachRemaining(listed::add);
      check(listed.size() == 8, "listing of 8 objects, got " + listed.size());
      store.copy(root.child("shards/shard-0.bin"), root.child("copies/shard-0.bin"));
      check(store.stat(root.child("copies/shard-0.bin")).size() == listed.get(0).size(), "copy");
      store.delete(root.child("copies/shard-0.bin"));
      System.out.printf("store round trip: 8 objects, %d bytes written, read (whole, range, stream), listed, copied, deleted%n", totalBytes);
    }

    SparkSession spark = SparkSession.builder().master("local[*]").appName("s3dlio-quickstart")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      spark.sparkContext().setLogLevel("WARN");
      Dataset<Row> files = spark.read().format("binaryFile").load(root.child("shards/").toString());
      List<Row> rows = files.select("path", "length", "content").collectAsList();
      long sparkBytes = 0;
      List<String> sparkDigests = new ArrayList<>();
      for (Row r : rows) {
        sparkBytes += r.getLong(1);
        sparkDigests.add(sha256((byte[]) r.get(2)));
      }
      check(rows.size() == 8, "Spark saw " + rows.size() + " objects");
      check(sparkBytes == totalBytes, "Spark byte count " + sparkBytes + " vs " + totalBytes);
      check(sparkDigests.containsAll(digests), "Spark read the same bytes");
      System.out.printf("spark local[*] (%d cores): read the same 8 objects, %d bytes, checksums equal%n",
          spark.sparkContext().defaultParallelism(), sparkBytes);
    } finally {
      spark.stop();
    }
    System.out.println("quickstart OK");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("quickstart FAILED: " + what);
      System.exit(1);
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

}
