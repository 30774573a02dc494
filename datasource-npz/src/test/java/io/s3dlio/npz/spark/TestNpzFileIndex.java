package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.metrics.source.HiveCatalogMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Spark's file index gives the source: partition folders read back as columns and pruned,
 * globs and path filters, modification-time filters, corrupt and missing files skipped, small
 * files packed into partitions, the tree listed once per query. Proven by the scan's metrics.
 */
class TestNpzFileIndex extends SparkTestBase {
  @TempDir
  Path dir;

  private static List<Long> ys(Dataset<Row> df) {
    return df.collectAsList().stream().flatMap(r -> r.<Long>getList(0).stream()).sorted().toList();
  }

  @Test
  void partitionFoldersAreColumnsAndPruned() throws Exception {
    writeXy(dir.resolve("k=1/a.npz"), 100, 1, false);
    writeXy(dir.resolve("k=2/b.npz"), 200, 1, false);
    writeXy(dir.resolve("k=3/c.npz"), 300, 1, false);
    writeXy(dir.resolve("k=3/d.npz"), 310, 1, false);
    Dataset<Row> all = spark.read().format("npz").load(dir.toString());
    assertThat(all.schema().apply("k").dataType().simpleString()).isEqualTo("int");
    Dataset<Row> three = all.filter("k = 3").select("y", "k");
    List<Row> rows = three.collectAsList();
    assertThat(rows).extracting(r -> r.getInt(1)).containsOnly(3);
    assertThat(rows).extracting(r -> r.<Long>getList(0).get(0)).containsExactlyInAnyOrder(300L, 310L);
    Map<String, Long> m = metrics(three);
    assertThat(m.get(NpzMetrics.FILES_PLANNED)).isEqualTo(2);
    assertThat(m.get(NpzMetrics.FILES_READ)).isEqualTo(2);
    // two small files: Spark's split size falls to the 4 MiB open cost, one file each
    assertThat(m.get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(2);
  }

  @Test
  void globsPathFiltersAndRecursiveLookup() throws Exception {
    writeXy(dir.resolve("k=1/a1.npz"), 100, 1, false);
    writeXy(dir.resolve("k=1/b1.npz"), 110, 1, false);
    writeXy(dir.resolve("k=2/a2.npz"), 200, 1, false);
    Files.writeString(dir.resolve("k=2/README.txt"), "not an npz");
    Files.copy(dir.resolve("k=2/a2.npz"), dir.resolve("k=2/data.bin"));
    // default: only *.npz (README.txt and data.bin are not read)
    assertThat(ys(spark.read().format("npz").load(dir.toString()).select("y"))).containsExactly(100L, 110L, 200L);
    // a glob in the path
    assertThat(ys(spark.read().format("npz").load(dir + "/k=*/a*.npz").select("y"))).containsExactly(100L, 200L);
    // pathGlobFilter replaces the default
    assertThat(ys(spark.read().format("npz").option("pathGlobFilter", "*.bin").load(dir.toString()).select("y")))
        .containsExactly(200L);
    Dataset<Row> flat = spark.read().format("npz").option("recursiveFileLookup", "true").load(dir.toString());
    assertThat(flat.columns()).doesNotContain("k");
    assertThat(ys(flat.select("y"))).containsExactly(100L, 110L, 200L);
  }

  @Test
  void modifiedBeforeAndAfter() throws Exception {
    writeXy(dir.resolve("old.npz"), 1, 1, false);
    writeXy(dir.resolve("new.npz"), 2, 1, false);
    Files.setLastModifiedTime(dir.resolve("old.npz"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Files.setLastModifiedTime(dir.resolve("new.npz"), FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    assertThat(ys(spark.read().format("npz").option("modifiedAfter", "2022-01-01T00:00:00").load(dir.toString())
        .select("y"))).containsExactly(2L);
    assertThat(ys(spark.read().format("npz").option("modifiedBefore", "2022-01-01T00:00:00").load(dir.toString())
        .select("y"))).containsExactly(1L);
  }

  @Test
  void corruptFilesFailOrAreSkippedAndCounted() throws Exception {
    writeXy(dir.resolve("a.npz"), 1, 1, false);
    writeXy(dir.resolve("z.npz"), 2, 1, false);
    byte[] whole = Files.readAllBytes(dir.resolve("z.npz"));
    Files.write(dir.resolve("z.npz"), Arrays.copyOf(whole, whole.length - 40));
    String z = "file:" + dir.resolve("z.npz");
    assertThatThrownBy(() -> spark.read().format("npz").load(dir.toString()).select("y").collectAsList())
        .hasStackTraceContaining("Cannot read " + z + " at offset " + (whole.length - 40)
            + ": no end-of-central-directory record: not a zip (.npz) file or truncated");
    Dataset<Row> skipping = spark.read().format("npz").option("ignoreCorruptFiles", "true").load(dir.toString())
        .select("y");
    assertThat(ys(skipping)).containsExactly(1L);
    assertThat(metrics(skipping).get(NpzMetrics.CORRUPT_FILES_SKIPPED)).isEqualTo(1);
  }

  @Test
  void missingFilesFailOrAreSkippedAndCounted() throws Exception {
    writeXy(dir.resolve("a.npz"), 1, 1, false);
    writeXy(dir.resolve("b.npz"), 2, 1, false);
    Dataset<Row> failing = spark.read().format("npz").load(dir.toString()).select("y");
    Dataset<Row> skipping = spark.read().format("npz").option("ignoreMissingFiles", "true").load(dir.toString())
        .select("y");
    Files.delete(dir.resolve("b.npz")); // after listing and schema inference
    assertThatThrownBy(failing::collectAsList).hasStackTraceContaining("java.io.FileNotFoundException")
        .hasStackTraceContaining(dir.resolve("b.npz").toString());
    assertThat(ys(skipping)).containsExactly(1L);
    assertThat(metrics(skipping).get(NpzMetrics.MISSING_FILES_SKIPPED)).isEqualTo(1);
  }

  /**
   * Spark's packing rule (FilePartition.getFilePartitions): files by size, largest first; a file
   * goes into the current partition unless it would pass {@code maxSplit}; each costs its size
   * plus {@code openCost}.
   */
  private static int packed(List<Long> sizes, long maxSplit, long openCost) {
    List<Long> sorted = new ArrayList<>(sizes);
    sorted.sort(Comparator.reverseOrder());
    int parts = 0;
    long current = 0;
    boolean open = false;
    for (long s : sorted) {
      if (open && current + s > maxSplit) {
        parts++;
        current = 0;
        open = false;
      }
      current += s + openCost;
      open = true;
    }
    return parts + (open ? 1 : 0);
  }

  @Test
  void smallFilesArePackedAndListedOnce() throws Exception {
    int n = 60;
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path f = dir.resolve(String.format("f%03d.npz", i));
      writeXy(f, i, 1 + i % 7, false);
      sizes.add(Files.size(f));
    }
    long openCost = 4L << 20;
    long total = sizes.stream().mapToLong(s -> s + openCost).sum();
    long bytesPerCore = total / spark.sparkContext().defaultParallelism();

    HiveCatalogMetrics.reset();
    Dataset<Row> df = spark.read().format("npz").load(dir.toString()).select("y");
    List<Row> rows = df.collectAsList();
    assertThat(rows).hasSize(n);
    assertThat(rows.stream().mapToLong(r -> r.<Long>getList(0).get(0)).sum()).isEqualTo(59L * 60 / 2);
    assertThat(HiveCatalogMetrics.METRIC_FILES_DISCOVERED().getCount()).as("files listed, once per query")
        .isEqualTo(n);
    Map<String, Long> m = metrics(df);
    assertThat(m.get(NpzMetrics.FILES_READ)).isEqualTo(n);
    long maxSplit = Math.min(128L << 20, Math.max(openCost, bytesPerCore));
    assertThat(m.get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(packed(sizes, maxSplit, openCost))
        .isLessThan(n / 4);

    Dataset<Row> small = spark.read().format("npz").option("maxPartitionBytes", "16m").load(dir.toString())
        .select("y");
    assertThat(small.collectAsList()).hasSize(n);
    // 16 MiB holds 4 files of 4 MiB open cost each: 15 partitions
    assertThat(metrics(small).get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(packed(sizes, 16L << 20, openCost))
        .isEqualTo(15);

    Dataset<Row> counted = spark.read().format("npz").load(dir.toString()).groupBy().count();
    assertThat(counted.collectAsList().get(0).getLong(0)).isEqualTo(n);
    Map<String, Long> c = metrics(counted);
    assertThat(c.get(NpzMetrics.FILES_PLANNED)).isEqualTo(n);
    assertThat(c.get(NpzMetrics.PARTITIONS_PLANNED)).as("no file opened: one partition per core")
        .isEqualTo(spark.sparkContext().defaultParallelism());
    assertThat(c.get(NpzMetrics.FILES_READ)).as("count() in the file layout opens no file").isZero();
    assertThat(c.get(NpzMetrics.BYTES_READ)).isZero();
  }
}
