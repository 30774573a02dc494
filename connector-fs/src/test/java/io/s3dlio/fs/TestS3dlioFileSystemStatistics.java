package io.s3dlio.fs;

import static org.apache.hadoop.fs.statistics.StoreStatisticNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.fs.impl.StoreIOStatistics;
import io.s3dlio.store.metrics.MetricsKeys;
import io.s3dlio.store.metrics.OpLogFile;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import java.io.FileNotFoundException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsLogging;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.junit.jupiter.api.Test;

/**
 * The FileSystem's store statistics against what went over the wire (a {@link FaultProxy} in front
 * of S3Proxy records every request), and Hadoop's thread-level {@link FileSystem.Statistics} (what
 * Spark turns into task input/output metrics) while parts upload on other threads; the operation
 * log switched on by the Hadoop key {@code fs.s3dlio.oplog.file}.
 */
class TestS3dlioFileSystemStatistics {
  private static final String BUCKET = "fs-stats";
  private static final int PART = 5 << 20;

  @Test
  void ioStatisticsMatchTheRequestsOnTheWireAndThreadStatisticsTheBytes() throws Exception {
    S3ProxyServer server = S3ProxyServer.get();
    server.createBucket(BUCKET);
    try (FaultProxy proxy = FaultProxy.start(server.endpoint())) {
      Configuration c = new Configuration(false);
      c.setClass("fs.s3.impl", S3dlioFileSystem.S3.class, FileSystem.class);
      for (Map.Entry<String, String> e : server.storeConfig().withPrefix("s3.").entrySet()) {
        c.set(FsConstants.PREFIX + e.getKey(), e.getValue());
      }
      c.set(FsConstants.PREFIX + "s3.endpoint", proxy.endpoint().toString());
      c.set(FsConstants.PREFIX + "s3.part-size", "5m");
      java.nio.file.Path log = java.nio.file.Files.createTempDirectory("fs-oplog").resolve("ops.tsv.zst");
      c.set(FsConstants.PREFIX + MetricsKeys.OPLOG_FILE, log.toString());
      Path dir = new Path("s3://" + BUCKET + "/" + UUID.randomUUID());
      Path file = new Path(dir, "data.bin");
      byte[] data = new byte[2 * PART + 777];
      new Random(5).nextBytes(data);

      try (FileSystem fs = FileSystem.newInstance(URI.create("s3://" + BUCKET), c)) {
        FileSystem.Statistics.StatisticsData thread = threadStats();
        long writtenBefore = thread.getBytesWritten();
        long allWrittenBefore = allStats().getBytesWritten();
        try (FSDataOutputStream out = fs.create(file, true)) {
          for (int off = 0; off < data.length; off += 1 << 20) {
            out.write(data, off, Math.min(1 << 20, data.length - off));
          }
        }
        // parts went up on the store's pool threads; the bytes count on the writing thread only
        assertThat(thread.getBytesWritten() - writtenBefore).isEqualTo(data.length);
        assertThat(allStats().getBytesWritten() - allWrittenBefore).isEqualTo(data.length);
        long writeOps = thread.getWriteOps();
        assertThat(writeOps).isPositive();

        long readBefore = thread.getBytesRead();
        long readOpsBefore = thread.getReadOps();
        byte[] back = new byte[data.length];
        try (FSDataInputStream in = fs.open(file)) {
          in.readFully(0, back);
          byte[] some = new byte[1000];
          for (int i = 0; i < 5; i++) {
            in.readFully(1_000_000L * i + 17, some);
          }
        }
        assertThat(back).isEqualTo(data);
        assertThat(thread.getBytesRead() - readBefore).isEqualTo(data.length + 5000L);
        assertThat(thread.getReadOps() - readOpsBefore).isPositive();
        assertThatThrownBy(() -> fs.getFileStatus(new Path(dir, "missing"))).isInstanceOf(FileNotFoundException.class);
        fs.listStatus(dir);

        IOStatistics st = IOStatisticsSupport.retrieveIOStatistics(fs);
        assertThat(st).isInstanceOf(StoreIOStatistics.class);
        Map<String, Long> ctr = st.counters();
        List<String> wire = proxy.requestHeads();
        long getObject = wire.stream().filter(h -> h.startsWith("GET ") && !h.split(" ")[1].contains("list-type")).count();
        long listObjects = wire.stream().filter(h -> h.startsWith("GET ") && h.split(" ")[1].contains("list-type")).count();
        long head = wire.stream().filter(h -> h.startsWith("HEAD ")).count();
        long putPart = wire.stream().filter(h -> h.startsWith("PUT ") && h.split(" ")[1].contains("partNumber=")).count();
        long putPlain = wire.stream().filter(h -> h.startsWith("PUT ") && !h.split(" ")[1].contains("uploadId=")).count();
        assertThat(ctr.get(ACTION_HTTP_GET_REQUEST) + ctr.get("action_http_get_range_request"))
            .as("GETs of objects on the wire").isEqualTo(getObject);
        assertThat(ctr.get(OBJECT_LIST_REQUEST)).as("list requests on the wire").isEqualTo(listObjects);
        assertThat(ctr.get(ACTION_HTTP_HEAD_REQUEST)).as("HEADs on the wire").isEqualTo(head);
        assertThat(ctr.get(ACTION_HTTP_HEAD_REQUEST + SUFFIX_FAILURES)).as("HEADs of missing keys").isPositive();
        assertThat(ctr.get(MULTIPART_UPLOAD_PART_PUT)).isEqualTo(putPart).isEqualTo(3);
        assertThat(ctr.get(MULTIPART_UPLOAD_PART_PUT_BYTES)).isEqualTo(data.length);
        // one streaming write (multipart on the wire) + plain PUTs (directory markers, if any)
        assertThat(ctr.get(OBJECT_PUT_REQUEST)).isEqualTo(putPlain + 1);
        assertThat(ctr.get("action_http_get_range_request_bytes") + ctr.get(ACTION_HTTP_GET_REQUEST + "_bytes"))
            .as("bytes delivered by GETs").isGreaterThanOrEqualTo(data.length + 5000L);
        assertThat(st.maximums().get(MULTIPART_UPLOAD_PART_PUT + SUFFIX_MAX))
            .isGreaterThanOrEqualTo(st.minimums().get(MULTIPART_UPLOAD_PART_PUT + SUFFIX_MIN));
        assertThat(st.meanStatistics().get(MULTIPART_UPLOAD_PART_PUT + SUFFIX_MEAN).getSamples()).isEqualTo(3);
        assertThat(st.gauges()).containsKeys(MULTIPART_UPLOAD_PART_PUT + ".p50_us", MULTIPART_UPLOAD_PART_PUT + ".p99.99_us");
        assertThat(st.gauges().get(MULTIPART_UPLOAD_PART_PUT + ".p50_us")).isPositive();
        assertThat(IOStatisticsLogging.ioStatisticsToPrettyString(st)).contains(MULTIPART_UPLOAD_PART_PUT);
      }
      // fs.s3dlio.oplog.file: closing the FileSystem closed the log; one line per store operation
      List<OpLogFile.Line> lines = OpLogFile.read(log);
      assertThat(lines.stream().filter(l -> l.op().equals("PUT_PART"))).hasSize(3)
          .allSatisfy(l -> assertThat(l.file()).isEqualTo("s3://" + BUCKET + file.toUri().getPath()));
      assertThat(lines.stream().filter(l -> l.op().equals("STAT") && !l.error().isEmpty())).isNotEmpty();
      assertThat(OpLogFile.text(log)).doesNotContain(server.secretKey());
    }
  }

  private static FileSystem.Statistics.StatisticsData threadStats() {
    return FileSystem.getAllStatistics().stream().filter(s -> s.getScheme().equals("s3")).findFirst().orElseThrow()
        .getThreadStatistics();
  }

  private static FileSystem.Statistics allStats() {
    return FileSystem.getAllStatistics().stream().filter(s -> s.getScheme().equals("s3")).findFirst().orElseThrow();
  }
}
