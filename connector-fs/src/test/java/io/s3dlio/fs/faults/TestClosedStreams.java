package io.s3dlio.fs.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.fs.S3dlioFileSystem;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A closed stream stays closed: {@code readVectored} after {@code close()} fails with "Stream is
 * closed!", ranges still queued when the stream closes fail the same way instead of reading, and
 * no file descriptor of the file is open afterwards (file:// reads through one descriptor,
 * direct:// through the O_DIRECT store).
 */
class TestClosedStreams {

  /** Descriptors of this process open on {@code file} (Linux /proc). */
  private static long openDescriptors(File file) throws IOException {
    java.nio.file.Path target = file.toPath().toRealPath();
    long n = 0;
    try (var fds = Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).equals(target)) {
            n++;
          }
        } catch (IOException gone) {
          // closed while listing
        }
      }
    }
    return n;
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "direct"})
  void vectoredReadsAfterCloseFailAndReopenNothing(String scheme) throws Exception {
    File dir = new File("target/closed-streams-" + UUID.randomUUID()).getAbsoluteFile();
    assertThat(dir.mkdirs()).isTrue();
    Configuration conf = new Configuration(false);
    conf.setClass("fs." + scheme + ".impl", scheme.equals("file") ? S3dlioFileSystem.LocalFile.class
        : S3dlioFileSystem.Direct.class, FileSystem.class);
    conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    conf.set("fs.s3dlio.threads", "1");
    conf.set("fs.s3dlio.vectored.min-seek", "0");
    conf.set("fs.s3dlio.direct.fallback", "buffered");
    byte[] data = new byte[4 << 20];
    new Random(5).nextBytes(data);
    Path path = new Path(scheme + "://" + dir + "/data.bin");
    File file = new File(dir, "data.bin");
    try (FileSystem fs = FileSystem.newInstance(URI.create(scheme + ":///"), conf)) {
      try (FSDataOutputStream out = fs.create(path)) {
        out.write(data);
      }
      FSDataInputStream in = fs.open(path);
      in.close();
      assertThatThrownBy(() -> in.readVectored(List.of(FileRange.createFileRange(0, 10)), ByteBuffer::allocate))
          .isInstanceOf(IOException.class).hasMessageContaining("Stream is closed");

      // many ranges, closed while the fetching tasks wait in the caller's allocator (so ranges are
      // still queued whatever the machine's speed): the queued ones must not read (nor reopen the file)
      FSDataInputStream in2 = fs.open(path);
      List<FileRange> ranges = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        ranges.add(FileRange.createFileRange(i * 65_536L, 4096));
      }
      CountDownLatch closedNow = new CountDownLatch(1);
      CountDownLatch allocating = new CountDownLatch(1);
      in2.readVectored(ranges, n -> {
        allocating.countDown();
        try {
          closedNow.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return ByteBuffer.allocate(n);
      });
      assertThat(allocating.await(30, TimeUnit.SECONDS)).as("a fetching task started").isTrue();
      in2.close();
      closedNow.countDown();
      int completed = 0;
      int refused = 0;
      for (FileRange r : ranges) {
        CompletableFuture<ByteBuffer> f = r.getData();
        try {
          ByteBuffer b = f.join();
          byte[] got = new byte[b.remaining()];
          b.get(got);
          assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, (int) r.getOffset(),
              (int) r.getOffset() + r.getLength()));
          completed++;
        } catch (CompletionException e) {
          assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessageContaining("Stream is closed");
          refused++;
        }
      }
      assertThat(completed + refused).isEqualTo(64);
      assertThat(refused).as("ranges queued at close").isPositive();
      assertThat(openDescriptors(file)).as("descriptors of %s after close", file).isZero();
    }
  }
}
