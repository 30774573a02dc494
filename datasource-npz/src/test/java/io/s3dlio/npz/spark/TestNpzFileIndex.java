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
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.execution.datasources.v2.FileTable;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

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

  /**
   * The table's name is the one Spark's {@code FileDataSourceV2.getTableName} gives, whether asked
   * before the table lists its files or after (qualified with the file index's configuration).
   */
  @Test
  void tableNameIsSparksBeforeAndAfterListing() throws Exception {
    writeXy(dir.resolve("a.npz"), 100, 1, false);
    writeXy(dir.resolve("b.npz"), 200, 1, false);
    String relative = Path.of("").toAbsolutePath().relativize(dir).toString();
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(Map.of("paths",
        "[\"" + dir.resolve("a.npz") + "\",\"" + relative + "/b*.npz\"]", "layout", "file"));
    NpzDataSourceV2 source = new NpzDataSourceV2();
    String expected = source.getTableName(options, source.getPaths(options));
    assertThat(expected).isEqualTo("npz file:" + dir.resolve("a.npz") + ",file:" + dir + "/b*.npz");
    assertThat(source.getTable(options).name()).isEqualTo(expected);
    Table listed = source.getTable(options);
    assertThat(listed.schema().fieldNames()).contains("y");
    assertThat(listed.name()).isEqualTo(expected);
    assertThat(new NpyDataSourceV2().getTable(options).name()).isEqualTo("npy" + expected.substring(3));
  }

  @Test
  void pathReadsListWithoutTheSessionsFileStatusCache() throws Exception {
    // The index is Spark's InMemoryFileIndex over the globbed paths, made without the session's
    // shared status cache (NpzTable.fileIndex): its entries would never be read again.
    writeXy(dir.resolve("k=1/a.npz"), 100, 1, false);
    writeXy(dir.resolve("k=2/b.npz"), 200, 1, false);
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(Map.of("paths",
        "[\"" + dir + "/k=*\"]", "layout", "file"));
    FileTable table = (FileTable) new NpzDataSourceV2().getTable(options);
    var index = table.fileIndex();
    assertThat(index).isInstanceOf(org.apache.spark.sql.execution.datasources.InMemoryFileIndex.class);
    assertThat(index).isSameAs(table.fileIndex());
    java.lang.reflect.Field cache = org.apache.spark.sql.execution.datasources.InMemoryFileIndex.class
        .getDeclaredField("fileStatusCache");
    cache.setAccessible(true);
    assertThat(cache.get(index)).isSameAs(org.apache.spark.sql.execution.datasources.NoopCache$.MODULE$);
    assertThat(CollectionConverters.asJava(index.rootPaths())).hasSize(2);
    assertThat(index.inputFiles()).hasSize(2);
    index.refresh();
    assertThat(index.inputFiles()).hasSize(2);
    assertThat(spark.read().format("npz").load(dir + "/k=*").count()).isEqualTo(2);
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
    // two small local files, 64 KiB open cost each: the split size is their share per core, one file each
    assertThat(m.get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(2);
  }

  @Test
  void globsPathFiltersAndRecursiveLookup() throws Exception {
    writeXy(dir.resolve("k=1/a1.npz"), 100, 1, false);
    writeXy(dir.resolve("k=1/b1.npz"), 110, 1, false);
    writeXy(dir.resolve("k=2/a2.npz"), 200, 1, false);
    Files.writeString(dir.resolve("k=2/README.txt"), "not an npz");
    Files.copy(dir.resolve("k=2/a2.npz"), dir.resolve("k=2/data.bin"));
    // default: only *.npz (README.txt and data.bin are not read, nor in the file index)
    Dataset<Row> npz = spark.read().format("npz").load(dir.toString());
    assertThat(ys(npz.select("y"))).containsExactly(100L, 110L, 200L);
    assertThat(Arrays.stream(npz.inputFiles()).map(f -> f.substring(f.lastIndexOf('/') + 1)))
        .containsExactlyInAnyOrder("a1.npz", "b1.npz", "a2.npz");
    // a glob in the path
    assertThat(ys(spark.read().format("npz").load(dir + "/k=*/a*.npz").select("y"))).containsExactly(100L, 200L);
    // pathGlobFilter replaces the default
    Dataset<Row> bin = spark.read().format("npz").option("pathGlobFilter", "*.bin").load(dir.toString());
    assertThat(ys(bin.select("y"))).containsExactly(200L);
    assertThat(bin.inputFiles()).hasSize(1).allMatch(f -> f.endsWith("/k=2/data.bin"));
    // so does an input path filter of the user's (Hadoop's setting, as for Spark's own sources)
    Dataset<Row> own = spark.read().format("npz").option("mapreduce.input.pathFilter.class",
        OnlyB.class.getName()).load(dir.toString());
    assertThat(own.inputFiles()).hasSize(1).allMatch(f -> f.endsWith("/k=1/b1.npz"));
    assertThat(ys(own.select("y"))).containsExactly(110L);
    Dataset<Row> flat = spark.read().format("npz").option("recursiveFileLookup", "true").load(dir.toString());
    assertThat(flat.columns()).doesNotContain("k");
    assertThat(ys(flat.select("y"))).containsExactly(100L, 110L, 200L);
  }

  /** A user's input path filter: names starting with "b". */
  public static final class OnlyB implements org.apache.hadoop.fs.PathFilter, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean accept(org.apache.hadoop.fs.Path p) {
      return p.getName().startsWith("b");
    }
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
  void orderByPlansTheScanOnceAndReadsItTwice() throws Exception {
    for (int i = 0; i < 6; i++) {
      writeXy(dir.resolve("f" + i + ".npz"), i * 10, 1, false);
    }
    Dataset<Row> plain = spark.read().format("npz").load(dir.toString()).select("y");
    assertThat(plain.collectAsList()).hasSize(6);
    Map<String, Long> p = metrics(plain);
    Dataset<Row> sorted = spark.read().format("npz").load(dir.toString()).select("y").orderBy("y");
    assertThat(sorted.collectAsList()).extracting(r -> r.<Long>getList(0).get(0))
        .containsExactly(0L, 10L, 20L, 30L, 40L, 50L);
    Map<String, Long> s = metrics(sorted);
    // planned once, as without the sort ...
    assertThat(s.get(NpzMetrics.FILES_PLANNED)).isEqualTo(p.get(NpzMetrics.FILES_PLANNED)).isEqualTo(6);
    assertThat(s.get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(p.get(NpzMetrics.PARTITIONS_PLANNED));
    // ... and run twice: Spark's range partitioner samples the scan with a job of its own before
    // the sort's shuffle reads it, as Spark's own row count of the scan shows
    assertThat(s.get("numOutputRows")).isEqualTo(2 * p.get("numOutputRows")).isEqualTo(12);
    assertThat(s.get(NpzMetrics.FILES_READ)).isEqualTo(2 * p.get(NpzMetrics.FILES_READ)).isEqualTo(12);
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
   * Spark's packing rule (FilePartition.maxSplitBytes and getFilePartitions): the split size is
   * {@code min(maxPartitionBytes, max(openCost, bytes / cores))}, bytes counting each file's size
   * plus {@code openCost}; files by size, largest first; a file goes into the current partition
   * unless it would pass the split size; each costs its size plus {@code openCost}.
   */
  private static int packed(List<Long> sizes, long maxPartitionBytes, long openCost, int cores) {
    long total = sizes.stream().mapToLong(s -> s + openCost).sum();
    long maxSplit = Math.min(maxPartitionBytes, Math.max(openCost, total / cores));
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
    int cores = spark.sparkContext().defaultParallelism();

    // local files, no open cost set: each file counts 64 KiB (NpzOptions.LOCAL_OPEN_COST_DEFAULT)
    HiveCatalogMetrics.reset();
    Dataset<Row> df = spark.read().format("npz").load(dir.toString()).select("y");
    List<Row> rows = df.collectAsList();
    assertThat(rows).hasSize(n);
    assertThat(rows.stream().mapToLong(r -> r.<Long>getList(0).get(0)).sum()).isEqualTo(59L * 60 / 2);
    assertThat(HiveCatalogMetrics.METRIC_FILES_DISCOVERED().getCount()).as("files listed, once per query")
        .isEqualTo(n);
    Map<String, Long> m = metrics(df);
    assertThat(m.get(NpzMetrics.FILES_READ)).isEqualTo(n);
    long local = m.get(NpzMetrics.PARTITIONS_PLANNED);
    assertThat(local).isEqualTo(packed(sizes, 128L << 20, 64 << 10, cores)).isLessThan(n / 4);

    // With 1 MiB partitions the open cost decides: 64 KiB (local default) packs 16 files into each,
    // the session's open cost when set (Spark's rule, as for any file source: 4 MiB) one, and this
    // read's option overrides the session's.
    Dataset<Row> local1m = spark.read().format("npz").option("maxPartitionBytes", "1m").load(dir.toString())
        .select("y");
    assertThat(local1m.collectAsList()).hasSize(n);
    long localParts = metrics(local1m).get(NpzMetrics.PARTITIONS_PLANNED);
    assertThat(localParts).isEqualTo(packed(sizes, 1L << 20, 64 << 10, cores)).isEqualTo(4);
    spark.conf().set("spark.sql.files.openCostInBytes", "4m");
    try {
      Dataset<Row> session4m = spark.read().format("npz").option("maxPartitionBytes", "1m").load(dir.toString())
          .select("y");
      assertThat(session4m.collectAsList()).hasSize(n);
      assertThat(metrics(session4m).get(NpzMetrics.PARTITIONS_PLANNED))
          .isEqualTo(packed(sizes, 1L << 20, 4L << 20, cores)).isEqualTo(n);
      Dataset<Row> read256k = spark.read().format("npz").option("maxPartitionBytes", "1m")
          .option("openCostInBytes", "256k").load(dir.toString()).select("y");
      assertThat(read256k.collectAsList()).hasSize(n);
      assertThat(metrics(read256k).get(NpzMetrics.PARTITIONS_PLANNED))
          .isEqualTo(packed(sizes, 1L << 20, 256 << 10, cores)).isEqualTo(15);
    } finally {
      spark.conf().unset("spark.sql.files.openCostInBytes");
    }

    Dataset<Row> small = spark.read().format("npz").option("maxPartitionBytes", "16m")
        .option("openCostInBytes", "4m").load(dir.toString()).select("y");
    assertThat(small.collectAsList()).hasSize(n);
    // 16 MiB holds 4 files of 4 MiB open cost each: 15 partitions
    assertThat(metrics(small).get(NpzMetrics.PARTITIONS_PLANNED)).isEqualTo(packed(sizes, 16L << 20, 4L << 20, cores))
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
