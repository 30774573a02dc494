package io.s3dlio.fs.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.OpenFileOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * Read benchmark of one Hadoop FileSystem, through the public FileSystem API only, so that the same
 * class measures this project's FileSystem ({@code s3://}) and Hadoop S3A ({@code s3a://}) in
 * separate JVMs with separate classpaths (see {@code connector-fs/bench/run-fs-bench.sh}; S3A's AWS
 * SDK bundle cannot share a classpath with this project's SDK). Not a test.
 *
 * <pre>
 *   FsReadBench write URI SIZE_MIB                 writes URI (random bytes)
 *   FsReadBench read  URI LABEL [key=value ...]    prints "LABEL metric value" lines
 * </pre>
 * Metrics: {@code seq_mbps} (whole object, read policy sequential, 1 MiB reads, median of runs),
 * {@code rand_p50_us} / {@code rand_p99_us} (64 KiB positioned reads at random offsets, read
 * policy random, HdrHistogram), {@code vec_mbps} (readVectored of 100 ranges of 64 KiB spread
 * over the object, median of runs; {@code vec_cold_mbps} is the first run alone, since a client that
 * caches blocks across streams, such as S3A's analytics stream, serves later runs from memory, and
 * may serve part of the first from blocks the random reads fetched); {@code vec_fresh_mbps}
 * (when system property {@code bench.vec.fresh} names a second object of the same size that no
 * stream of this JVM has read): one readVectored of the same 100 ranges of that object, before
 * anything else touches it, in a JVM already warm from the other runs (nothing cached can serve it).
 * Extra key=value arguments are set in the Configuration;
 * system properties {@code bench.seq.runs}, {@code bench.rand.reads}, {@code bench.vec.runs} size
 * the runs.
 */
public final class FsReadBench {
  private static final int KIB64 = 64 << 10;
  private static final double MIB = 1 << 20;

  private FsReadBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: FsReadBench write URI SIZE_MIB | read URI LABEL [key=value ...]");
      System.exit(2);
    }
    Configuration conf = new Configuration();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.set(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Path path = new Path(args[1]);
    try (FileSystem fs = FileSystem.newInstance(URI.create(args[1]), conf)) {
      if (args[0].equals("write")) {
        write(fs, path, Long.parseLong(args[2]) << 20);
      } else {
        read(fs, path, args[2]);
      }
    }
  }

  private static void write(FileSystem fs, Path path, long size) throws IOException {
    byte[] buf = new byte[8 << 20];
    Random r = new Random(42);
    long t0 = System.nanoTime();
    try (FSDataOutputStream out = fs.create(path, true)) {
      for (long done = 0; done < size; done += buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, size - done));
      }
    }
    System.err.printf("wrote %s: %d bytes in %.1f s%n", path, size, (System.nanoTime() - t0) / 1e9);
  }

  private static void read(FileSystem fs, Path path, String label) throws Exception {
    FileStatus st = fs.getFileStatus(path);
    long len = st.getLen();
    int seqRuns = Integer.getInteger("bench.seq.runs", 3);
    int randReads = Integer.getInteger("bench.rand.reads", 300);
    int vecRuns = Integer.getInteger("bench.vec.runs", 5);

    // sequential: the whole object with 1 MiB reads
    double[] seq = new double[seqRuns];
    byte[] buf = new byte[1 << 20];
    for (int run = 0; run < seqRuns; run++) {
      long t0 = System.nanoTime();
      long total = 0;
      try (FSDataInputStream in = open(fs, path, st, "sequential")) {
        for (int n; (n = in.read(buf)) > 0; ) {
          total += n;
        }
      }
      check(total == len, "sequential read of " + path + " returned " + total + " of " + len + " bytes");
      seq[run] = total / MIB / ((System.nanoTime() - t0) / 1e9);
    }

    // random: 64 KiB positioned reads at random offsets on one stream (policy random)
    Histogram h = new Histogram(60_000_000L, 3);
    Random r = new Random(7);
    byte[] b64 = new byte[KIB64];
    try (FSDataInputStream in = open(fs, path, st, "random")) {
      int warmup = Math.max(10, randReads / 10);
      for (int i = 0; i < warmup + randReads; i++) {
        long off = (long) (r.nextDouble() * (len - KIB64));
        long t0 = System.nanoTime();
        in.readFully(off, b64, 0, KIB64);
        if (i >= warmup) {
          h.recordValue((System.nanoTime() - t0) / 1000);
        }
      }
    }

    // vectored: 100 ranges of 64 KiB, evenly spread (no two mergeable), all awaited
    double[] vec = new double[vecRuns];
    for (int run = 0; run < vecRuns; run++) {
      vec[run] = vectored(fs, path, st);
    }
    String fresh = System.getProperty("bench.vec.fresh");
    if (fresh != null) {
      Path freshPath = new Path(fresh);
      System.out.printf("%s vec_fresh_mbps %.1f%n", label, vectored(fs, freshPath, fs.getFileStatus(freshPath)));
    }

    System.out.printf("%s seq_mbps %.1f%n", label, median(seq));
    System.out.printf("%s rand_p50_us %d%n", label, h.getValueAtPercentile(50));
    System.out.printf("%s rand_p99_us %d%n", label, h.getValueAtPercentile(99));
    System.out.printf("%s vec_cold_mbps %.1f%n", label, vec[0]);
    System.out.printf("%s vec_mbps %.1f%n", label, median(vec));
    System.err.printf("%s: seq runs %s MB/s; random %d reads mean %.0f us max %d us; vectored runs %s MB/s%n",
        label, Arrays.toString(round(seq)), h.getTotalCount(), h.getMean(), h.getMaxValue(),
        Arrays.toString(round(vec)));
    if (fs instanceof org.apache.hadoop.fs.statistics.IOStatisticsSource s && Boolean.getBoolean("bench.stats")) {
      System.err.println(org.apache.hadoop.fs.statistics.IOStatisticsLogging.ioStatisticsToPrettyString(
          s.getIOStatistics()));
    }
  }

  /** One readVectored of 100 ranges of 64 KiB evenly spread over the object (no two mergeable); MB/s. */
  private static double vectored(FileSystem fs, Path path, FileStatus st) throws Exception {
    List<FileRange> ranges = new ArrayList<>();
    long stride = (st.getLen() - KIB64) / 99;
    for (int i = 0; i < 100; i++) {
      ranges.add(FileRange.createFileRange(i * stride, KIB64));
    }
    long t0 = System.nanoTime();
    try (FSDataInputStream in = open(fs, path, st, "vector")) {
      in.readVectored(ranges, ByteBuffer::allocate);
      for (FileRange fr : ranges) {
        ByteBuffer bb = FutureIO.awaitFuture(fr.getData());
        check(bb.remaining() == KIB64, "vectored range " + fr + " returned " + bb.remaining() + " bytes");
      }
    }
    return 100 * KIB64 / MIB / ((System.nanoTime() - t0) / 1e9);
  }

  private static FSDataInputStream open(FileSystem fs, Path path, FileStatus st, String policy) throws Exception {
    return FutureIO.awaitFuture(fs.openFile(path)
        .withFileStatus(st)
        .opt(OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY, policy)
        .build());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String[] round(double[] v) {
    return Arrays.stream(v).mapToObj(d -> String.format("%.0f", d)).toArray(String[]::new);
  }

  private static void check(boolean ok, String message) throws IOException {
    if (!ok) {
      throw new IOException(message);
    }
  }
}
