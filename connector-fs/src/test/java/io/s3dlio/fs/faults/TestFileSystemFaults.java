package io.s3dlio.fs.faults;

import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultPlan.RequestKind;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTally;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seeded fault run of the Hadoop FileSystem's reads on s3:// and az:// through a
 * {@link FaultProxy}: sequential reads (one long GET), random reads (seek + readFully), positioned
 * reads and {@code readVectored}, with every fault kind injected into the GETs and HEADs. Every
 * read must return the written bytes (CRC32C) or fail with an IOException naming the path. Prints
 * the figures of {@code docs/reliability.md} and writes them to
 * {@code target/reliability/<scheme>-filesystem.md}. Seed: {@code -Ds3dlio.faults.seed=N}.
 */
class TestFileSystemFaults {

  /** The plan of the read fault runs; {@code scale} multiplies every rate (1: normal, 2: harsh). */
  static FaultPlan plan(long seed, FaultPlan.Dialect dialect, double scale) {
    RequestKind get = RequestKind.GET;
    RequestKind head = RequestKind.HEAD;
    return FaultPlan.seeded(seed).dialect(dialect)
        .rate(Fault.THROTTLE, 0.05 * scale, get, head).throttleBurst(2)
        .rate(Fault.SERVER_ERROR, 0.03 * scale, get, head)
        .rate(Fault.RESET, 0.06 * scale, get, head)
        .rate(Fault.DROP_RESPONSE, 0.03 * scale, get, head)
        .rate(Fault.STALL, 0.015 * scale, get).stall(Duration.ofMillis(1500))
        .rate(Fault.TRUNCATE, 0.06 * scale, get)
        .rate(Fault.TRICKLE, 0.03 * scale, get).trickle(2048, Duration.ofMillis(1), 64 << 10)
        .build();
  }

  @ParameterizedTest
  @EnumSource(FsTargets.class)
  void everyReadIsCorrectOrFailsClearly(FsTargets target) throws Exception {
    FaultTally tally = run(target, 1, Map.of());
    assertThat(tally.correct()).isGreaterThan(24);
  }

  @ParameterizedTest
  @EnumSource(FsTargets.class)
  void withOneRetryReadsFailButClearlyAndNeverWithWrongData(FsTargets target) throws Exception {
    String p = target == FsTargets.S3 ? "s3." : "azure.";
    FaultTally tally = run(target, 2, Map.of(p + "max-retries", "1", p + "resume-attempts", "1"));
    assertThat(tally.failedClearly()).isPositive();
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }

  private static FaultTally run(FsTargets target, double scale, Map<String, String> storeSettings) throws Exception {
    long seed = Long.getLong("s3dlio.faults.seed", 20261122L);
    Random random = new Random(seed);
    // names from the seed, not random: the same seed on a fresh server gets the same faults
    String dir = target.root() + "/fs-faults-" + seed + "-x" + (int) scale;
    int[] sizes = {3 * (1 << 20) + 17, 1 << 20, 200_000};
    List<Path> files = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    try (ObjectStore direct = target.directStore()) {
      for (int i = 0; i < sizes.length; i++) {
        byte[] data = new byte[sizes[i]];
        random.nextBytes(data);
        Path p = new Path(dir + "/part-" + i + ".bin");
        direct.put(ObjectUri.parse(p.toString()), data);
        files.add(p);
        contents.add(data);
      }
    }
    FaultTally tally = new FaultTally();
    try (FaultProxy proxy = target.proxy();
        FileSystem fs = target.fileSystem(target.viaProxy(proxy).with(storeSettings), Map.of("fs.s3dlio.threads", "4",
            "fs.s3dlio.readahead", "64k"))) {
      proxy.plan(plan(seed, target.dialect(), scale));
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < files.size(); i++) {
          Path p = files.get(i);
          byte[] data = contents.get(i);
          String name = p.toString();
          tally.run("sequential read", () -> {
            try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(p)
                .opt(FS_OPTION_OPENFILE_READ_POLICY, "sequential").build())) {
              byte[] got = in.readAllBytes();
              return got.length == data.length && crc(got, 0, got.length) == crc(data, 0, data.length);
            }
          }, name);
          tally.run("random reads (seek + readFully)", () -> {
            try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(p)
                .opt(FS_OPTION_OPENFILE_READ_POLICY, "random").build())) {
              for (int r = 0; r < 6; r++) {
                int off = random.nextInt(data.length - 1);
                int len = 1 + random.nextInt(Math.min(data.length - off, 100_000));
                byte[] got = new byte[len];
                in.seek(off);
                in.readFully(got);
                if (crc(got, 0, len) != crc(data, off, len)) {
                  return false;
                }
              }
              return true;
            }
          }, name);
          tally.run("positioned reads (pread)", () -> {
            try (FSDataInputStream in = fs.open(p)) {
              for (int r = 0; r < 4; r++) {
                int off = random.nextInt(data.length - 1);
                int len = 1 + random.nextInt(Math.min(data.length - off, 200_000));
                byte[] got = new byte[len];
                in.readFully(off, got);
                if (crc(got, 0, len) != crc(data, off, len)) {
                  return false;
                }
              }
              return true;
            }
          }, name);
          tally.run("readVectored", () -> {
            try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(p)
                .opt(FS_OPTION_OPENFILE_READ_POLICY, "vector").build())) {
              List<FileRange> ranges = new ArrayList<>();
              long at = 0;
              while (ranges.size() < 8 && at < data.length - 1) {
                int len = 1 + random.nextInt(Math.min(40_000, (int) (data.length - at)));
                ranges.add(FileRange.createFileRange(at, len));
                at += len + random.nextInt(300_000);
              }
              in.readVectored(ranges, ByteBuffer::allocate);
              for (FileRange r : ranges) {
                ByteBuffer b = FutureIO.awaitFuture(r.getData());
                byte[] got = new byte[b.remaining()];
                b.get(got);
                if (got.length != r.getLength() || crc(got, 0, got.length) != crc(data, (int) r.getOffset(), r.getLength())) {
                  return false;
                }
              }
              return true;
            }
          }, name);
        }
      }
      String label = scale == 1 ? "" : ", harsh: rates x" + (int) scale + ", one retry";
      String table = tally.table(target.scheme() + ":// Hadoop FileSystem through FaultProxy (seed " + seed + label + ")",
          proxy);
      System.out.println(table);
      tally.failures().forEach(f -> System.out.println("  clear failure: " + f));
      java.nio.file.Path out = Paths.get("target", "reliability", target.scheme() + "-filesystem"
          + (scale == 1 ? "" : "-harsh") + ".md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, table, StandardCharsets.UTF_8);
      assertThat(tally.problems()).as("wrong data or unclear failures").isEmpty();
      assertThat(proxy.injectedTotal()).isGreaterThan(10);
      return tally;
    }
  }
}
