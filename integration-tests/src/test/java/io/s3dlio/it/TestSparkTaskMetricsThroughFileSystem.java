package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.hadoop.fs.statistics.StoreStatisticNames;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spark's task metrics (what the Spark UI shows as input and output size) of jobs that read and
 * write through the s3dlio FileSystem: the FileSystem counts bytes in Hadoop's thread-level
 * {@code FileSystem.Statistics}, which Spark's {@code SparkHadoopUtil} callbacks turn into
 * {@code inputMetrics.bytesRead} and {@code outputMetrics.bytesWritten}. Checked against the sizes
 * of the files in the store: a Parquet write's bytesWritten is the size of its part files (parts
 * upload on the store's threads), a {@code binaryFile} read's bytesRead the size of the files it
 * reads whole, a Parquet scan (vectored reads on pool threads) reads at least its column chunks.
 */
class TestSparkTaskMetricsThroughFileSystem {
  private static final String BUCKET = "spark-metrics";
  private static SparkSession spark;
  private static final AtomicLong BYTES_READ = new AtomicLong();
  private static final AtomicLong BYTES_WRITTEN = new AtomicLong();
  private static final AtomicLong RECORDS_WRITTEN = new AtomicLong();

  @BeforeAll
  static void start() throws java.io.IOException {
    FileSystem.closeAll();
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    AzuriteServer az = AzuriteServer.get();
    az.createContainer(BUCKET);
    SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("s3dlio-task-metrics")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName())
        .config("spark.hadoop.fs.az.impl", S3dlioFileSystem.Az.class.getName());
    for (StoreConfig c : List.of(s3.storeConfig(), az.storeConfig())) {
      for (String prefix : List.of("s3.", "azure.")) {
        for (Map.Entry<String, String> e : c.withPrefix(prefix).entrySet()) {
          b.config("spark.hadoop.fs.s3dlio." + e.getKey(), e.getValue());
        }
      }
    }
    spark = b.getOrCreate();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskMetrics m = end.taskMetrics();
        if (m != null) {
          BYTES_READ.addAndGet(m.inputMetrics().bytesRead());
          BYTES_WRITTEN.addAndGet(m.outputMetrics().bytesWritten());
          RECORDS_WRITTEN.addAndGet(m.outputMetrics().recordsWritten());
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static void resetMetrics() throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    BYTES_READ.set(0);
    BYTES_WRITTEN.set(0);
    RECORDS_WRITTEN.set(0);
  }

  private static void awaitMetrics() throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3", "az"})
  void taskMetricsCountTheBytesInTheStore(String scheme) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String out = (scheme.equals("s3") ? "s3://" + BUCKET : "az://" + AzuriteServer.ACCOUNT + "/" + BUCKET)
        + "/metrics-" + run + "/table";
    FileSystem fs = new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration());
    assertThat(fs).isInstanceOf(S3dlioFileSystem.class);

    resetMetrics();
    spark.range(0, 50_000).selectExpr("id", "concat('row-', id) as s").repartition(3)
        .write().mode(SaveMode.Overwrite).parquet(out);
    awaitMetrics();
    long parquetBytes = 0;
    int parquetFiles = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(out), true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      if (f.getPath().getName().endsWith(".parquet")) {
        parquetBytes += f.getLen();
        parquetFiles++;
      }
    }
    assertThat(parquetFiles).isEqualTo(3);
    assertThat(BYTES_WRITTEN.get()).as("outputMetrics.bytesWritten = bytes of the part files").isEqualTo(parquetBytes);
    assertThat(RECORDS_WRITTEN.get()).isEqualTo(50_000);

    IOStatistics before = IOStatisticsSupport.snapshotIOStatistics(IOStatisticsSupport.retrieveIOStatistics(fs));
    resetMetrics();
    assertThat(spark.read().parquet(out).selectExpr("sum(id)").first().getLong(0)).isEqualTo(49_999L * 50_000L / 2);
    awaitMetrics();
    long parquetRead = BYTES_READ.get();
    IOStatistics after = IOStatisticsSupport.retrieveIOStatistics(fs);
    long storeGetBytes = getBytes(after) - getBytes(before);
    // Parquet (vectored reads: ranges fetched on the FileSystem's pool threads) reads at least the
    // column chunks of `id`, whose sizes its footers give; at most what the store delivered
    assertThat(parquetRead).as("inputMetrics.bytesRead of a Parquet scan")
        .isGreaterThanOrEqualTo(columnChunkBytes(fs, out, "id"))
        .isLessThanOrEqualTo(storeGetBytes);

    resetMetrics();
    long contentBytes = spark.read().format("binaryFile").option("pathGlobFilter", "*.parquet")
        .load(out).selectExpr("sum(length(content))").first().getLong(0);
    awaitMetrics();
    assertThat(contentBytes).isEqualTo(parquetBytes);
    assertThat(BYTES_READ.get()).as("inputMetrics.bytesRead of whole-file reads = bytes of the files")
        .isEqualTo(parquetBytes);
  }

  /** Bytes of the column chunks of {@code column} in the Parquet files under {@code dir}, from their footers. */
  private static long columnChunkBytes(FileSystem fs, String dir, String column) throws java.io.IOException {
    long total = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(dir), true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      if (!p.getName().endsWith(".parquet")) {
        continue;
      }
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(p, fs.getConf()))) {
        for (BlockMetaData block : r.getFooter().getBlocks()) {
          for (ColumnChunkMetaData c : block.getColumns()) {
            if (c.getPath().toDotString().equals(column)) {
              total += c.getTotalSize();
            }
          }
        }
      }
    }
    assertThat(total).isPositive();
    return total;
  }

  private static long getBytes(IOStatistics s) {
    return s.counters().get(StoreStatisticNames.ACTION_HTTP_GET_REQUEST + "_bytes")
        + s.counters().get("action_http_get_range_request_bytes");
  }
}
