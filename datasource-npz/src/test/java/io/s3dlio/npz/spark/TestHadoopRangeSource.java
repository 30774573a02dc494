package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reads under the codec on local files: Hadoop's raw {@code file://} FileSystem opened by
 * {@link RawLocalInput} (no stat per open; bytes counted in the FileSystem's statistics; a missing
 * file is a {@link FileNotFoundException}), and the chunked stream of {@link HadoopRangeSource},
 * which skips without fetching.
 */
class TestHadoopRangeSource {
  @TempDir
  java.nio.file.Path dir;

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private static RawLocalFileSystem raw() throws Exception {
    FileSystem local = FileSystem.getLocal(new Configuration());
    return (RawLocalFileSystem) ((ChecksumFileSystem) local).getRawFileSystem();
  }

  /** RawLocalInput opens the file RawLocalFileSystem.pathToFile maps a path to. */
  @Test
  void rawLocalFileIsPathToFiles() throws Exception {
    RawLocalFileSystem fs = raw();
    for (Path p : new Path[] {new Path(dir.resolve("a b%20c.npz").toUri()), new Path(dir.toString(), "x y.npz"),
        new Path("file:///tmp/../tmp/./z.npz"), new Path("relative/r.npz")}) {
      assertThat(RawLocalInput.file(fs, p)).as(p.toString()).isEqualTo(fs.pathToFile(p));
    }
  }

  @Test
  @SuppressWarnings("deprecation") // FileSystem.getStatistics: where Spark's input metrics read bytes from
  void rawLocalFilesAreReadWithoutHadoopsOpenAndCounted() throws Exception {
    byte[] data = bytes(100_000);
    java.nio.file.Path f = dir.resolve("a.bin");
    Files.write(f, data);
    RawLocalFileSystem fs = raw();
    Path p = new Path(f.toUri());
    assertThat(RawLocalInput.serves(fs)).isTrue();
    assertThat(RawLocalInput.serves(FileSystem.getLocal(new Configuration()))).as("the checksum layer").isFalse();
    assertThat(RawLocalInput.serves(new RawLocalFileSystem() { })).as("a subclass may open otherwise").isFalse();

    FileSystem.Statistics stats = FileSystem.getStatistics("file", RawLocalFileSystem.class);
    long before = stats.getThreadStatistics().getBytesRead();
    try (FSDataInputStream in = RawLocalInput.open(fs, p)) {
      byte[] head = new byte[10];
      in.readFully(head);
      assertThat(head).isEqualTo(Arrays.copyOf(data, 10));
      byte[] mid = new byte[1000];
      in.readFully(50_000, mid);
      assertThat(mid).isEqualTo(Arrays.copyOfRange(data, 50_000, 51_000));
      assertThat(in.getPos()).as("a positioned read leaves the position").isEqualTo(10);
      in.seek(99_990);
      assertThat(in.read()).isEqualTo(data[99_990] & 0xff);
      byte[] past = new byte[20];
      assertThatThrownBy(() -> in.readFully(99_990, past)).isInstanceOf(EOFException.class)
          .hasMessageContaining("Cannot read " + p + " at offset 100000")
          .hasMessageContaining("10 bytes short of the 20 asked for");
    }
    // 10 + 1000 + 1 + the 10 bytes of the short read
    assertThat(stats.getThreadStatistics().getBytesRead() - before).isEqualTo(1021);

    assertThatThrownBy(() -> RawLocalInput.open(fs, new Path(dir.resolve("missing.bin").toUri())))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining(dir.resolve("missing.bin").toString());
  }

  @Test
  void rangeSourceOverRawLocalFiles() throws Exception {
    byte[] data = bytes(200_000);
    java.nio.file.Path f = dir.resolve("b.bin");
    Files.write(f, data);
    Path p = new Path(f.toUri());
    // ranges (positioned reads), and a small file read whole in one read
    try (HadoopRangeSource src = HadoopRangeSource.open(raw(), p, data.length, true)) {
      assertThat(src.read(123_456, 100)).isEqualTo(Arrays.copyOfRange(data, 123_456, 123_556));
      assertThat(src.requests()).isEqualTo(1);
    }
    java.nio.file.Path small = dir.resolve("c.bin");
    Files.write(small, Arrays.copyOf(data, 5000));
    try (HadoopRangeSource src = HadoopRangeSource.open(raw(), new Path(small.toUri()), 5000, true)) {
      assertThat(src.read(4000, 1000)).isEqualTo(Arrays.copyOfRange(data, 4000, 5000));
      assertThat(src.bytesRead()).as("fetched whole when opened").isEqualTo(5000);
    }
    // a file shorter than listed: the whole-file fetch says so, naming the file
    assertThatThrownBy(() -> HadoopRangeSource.open(raw(), new Path(small.toUri()), 6000, true))
        .isInstanceOf(EOFException.class).hasMessageContaining("Cannot read " + new Path(small.toUri()) + " at offset 5000");
  }

  @Test
  void chunkedStreamSkipsWithoutFetching() throws Exception {
    byte[] data = bytes(10_000_000);
    java.nio.file.Path f = dir.resolve("d.bin");
    Files.write(f, data);
    // through the checksum layer (not RawLocalInput): vectored reads of chunks of 4 MiB
    FileSystem local = FileSystem.getLocal(new Configuration());
    try (HadoopRangeSource src = HadoopRangeSource.open(local, new Path(f.toUri()), data.length)) {
      InputStream in = src.open(1000, 9_000_000);
      assertThat(in.read()).isEqualTo(data[1000] & 0xff); // the first chunk: [1000, 1000 + 4 MiB)
      assertThat(in.skip(10)).isEqualTo(10);
      assertThat(in.read()).isEqualTo(data[1011] & 0xff);
      assertThat(in.skip(5_000_000)).as("the rest of the chunk, then past it").isEqualTo(5_000_000);
      assertThat(in.read()).isEqualTo(data[5_001_012] & 0xff); // the second chunk starts here
      assertThat(in.skip(1L << 40)).as("to the end of the range, no further").isEqualTo(9_001_000 - 5_001_013);
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.skip(5)).isZero();
      assertThat(src.requests()).as("two chunks").isEqualTo(2);
      assertThat(src.bytesRead()).as("the bytes skipped past the first chunk were not fetched")
          .isEqualTo((4 << 20) + (9_001_000 - 5_001_012));
    }
  }
}
