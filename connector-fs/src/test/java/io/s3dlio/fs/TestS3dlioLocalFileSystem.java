package io.s3dlio.fs;

import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.s3dlio.store.local.Fadvise;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.util.functional.FutureIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code file://} through {@link S3dlioLocalFileSystem} ({@code fs.file.impl}): a
 * LocalFileSystem, so {@link FileSystem#getLocal} works, over the s3dlio raw FileSystem whose read
 * policy reaches {@code posix_fadvise} (counted in the stream's IOStatistics, since the kernel's
 * readahead state of a descriptor cannot be read back).
 */
class TestS3dlioLocalFileSystem {
  private final File dir = new File("target/local-fs/" + UUID.randomUUID()).getAbsoluteFile();
  private final byte[] data = new byte[300_000];
  private FileSystem fs;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(dir.toPath());
    new Random(5).nextBytes(data);
    fs = FileSystem.getLocal(conf(false));
  }

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  private static Configuration conf(boolean checksums) {
    Configuration c = new Configuration(false);
    c.setClass("fs.file.impl", S3dlioLocalFileSystem.class, FileSystem.class);
    c.setBoolean("fs.file.impl.disable.cache", true);
    c.setBoolean(FsConstants.LOCAL_CHECKSUM, checksums);
    return c;
  }

  private Path write(FileSystem f, String name) throws IOException {
    Path p = new Path("file://" + dir + "/" + name);
    try (FSDataOutputStream out = f.create(p, true)) {
      out.write(data);
    }
    return p;
  }

  @Test
  void getLocalIsALocalFileSystemOverTheS3dlioRawFileSystem() throws IOException {
    assertThat(fs).isInstanceOf(S3dlioLocalFileSystem.class).isInstanceOf(LocalFileSystem.class);
    assertThat(((LocalFileSystem) fs).getRaw()).isInstanceOf(S3dlioFileSystem.LocalFile.class);
    assertThat(fs.getScheme()).isEqualTo("file");
    Path p = write(fs, "a.bin");
    assertThat(((LocalFileSystem) fs).pathToFile(p)).isEqualTo(new File(dir, "a.bin"));
    assertThat(Files.readAllBytes(new File(dir, "a.bin").toPath())).isEqualTo(data);
    assertThat(dir.list()).as("no .crc sidecar, no temporary file").containsExactly("a.bin");
    try (FSDataInputStream in = fs.open(p)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(fs.getFileStatus(p).getLen()).isEqualTo(data.length);
    assertThat(fs.rename(p, new Path(p.getParent(), "b.bin"))).isTrue();
    assertThat(dir.list()).containsExactly("b.bin");
    assertThatThrownBy(() -> fs.create(new Path(p.getParent(), "b.bin"), false))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(dir + "/b.bin");
  }

  @Test
  void checksumsWhenAskedForAreWrittenAndVerified() throws IOException {
    try (FileSystem cfs = FileSystem.getLocal(conf(true))) {
      Path p = write(cfs, "c.bin");
      assertThat(new File(dir, ".c.bin.crc")).exists();
      assertThat(cfs.listStatus(p.getParent())).extracting(s -> s.getPath().getName()).containsExactly("c.bin");
      try (FSDataInputStream in = cfs.open(p)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      try (RandomAccessFile raf = new RandomAccessFile(new File(dir, "c.bin"), "rw")) {
        raf.seek(1000);
        raf.write(data[1000] ^ 0xff);
      }
      assertThatThrownBy(() -> {
        try (FSDataInputStream in = cfs.open(p)) {
          in.readAllBytes();
        }
      }).isInstanceOf(ChecksumException.class)
          .hasMessageContaining("Checksum error")
          .hasMessageContaining("c.bin");
    }
  }

  private IOStatistics readWith(String policy, boolean backwardSeek) throws Exception {
    Path p = write(fs, "p-" + policy + ".bin");
    try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(p).opt(FS_OPTION_OPENFILE_READ_POLICY, policy)
        .build())) {
      byte[] b = new byte[1000];
      in.readFully(b);
      assertThat(b).isEqualTo(Arrays.copyOf(data, 1000));
      if (backwardSeek) {
        in.seek(200_000);
        in.readFully(b);
        in.seek(10);
        in.readFully(b);
        assertThat(b).isEqualTo(Arrays.copyOfRange(data, 10, 1010));
      }
      return in.getIOStatistics();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // policy,    normal, sequential, random, willneed
      "sequential,  0, 1, 0, 0",
      "random,      0, 0, 1, 0",
      "vector,      0, 0, 1, 0",
      "parquet,     0, 0, 1, 0",
      "whole-file,  0, 1, 0, 1",
      "adaptive,    1, 0, 0, 0"})
  void theReadPolicyReachesPosixFadvise(String policy, long normal, long sequential, long random, long willneed)
      throws Exception {
    assumeTrue(Fadvise.isAvailable(), "posix_fadvise is not available on this platform");
    IOStatistics s = readWith(policy, false);
    assertThat(counter(s, "fadvise_normal")).isEqualTo(normal);
    assertThat(counter(s, "fadvise_sequential")).isEqualTo(sequential);
    assertThat(counter(s, "fadvise_random")).isEqualTo(random);
    assertThat(counter(s, "fadvise_willneed")).isEqualTo(willneed);
  }

  @Test
  void adaptiveTellsTheKernelRandomAfterABackwardSeek() throws Exception {
    assumeTrue(Fadvise.isAvailable(), "posix_fadvise is not available on this platform");
    IOStatistics s = readWith("adaptive", true);
    assertThat(counter(s, "fadvise_normal")).isEqualTo(1);
    assertThat(counter(s, "fadvise_random")).isEqualTo(1);
  }

  /** A counter of the stream's IOStatistics (Hadoop's IOStatisticAssertions needs the old AssertJ). */
  private static Long counter(org.apache.hadoop.fs.statistics.IOStatistics s, String name) {
    return s.counters().get(name);
  }
}
