package io.s3dlio.tfrecord.bench;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import io.s3dlio.tfrecord.index.ScanMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * DALI index generation speed (not a test; run with bench/run-index-bench.sh). For each record
 * size it writes a file of about --size-mb MB, then times the Java indexer in every scan mode and
 * DALI's algorithm in python3 (bench/tfrecord2idx.py) on the same file, checks that all indexes
 * are byte-identical, and prints MB/s and Java/python ratios. With --remote PREFIX the file is
 * also copied to an object store and indexed there (stream and ranged modes).
 */
public final class IndexBench {
  private IndexBench() {
  }

  public static void main(String[] args) throws Exception {
    long sizeMb = 2048;
    Path dir = Path.of("datasource-tfrecord/target/bench");
    String python = "datasource-tfrecord/bench/tfrecord2idx.py";
    String remote = null;
    int repeats = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mb": sizeMb = Long.parseLong(args[++i]); break;
        case "--dir": dir = Path.of(args[++i]); break;
        case "--python": python = args[++i]; break;
        case "--remote": remote = args[++i]; break;
        case "--repeats": repeats = Integer.parseInt(args[++i]); break;
        default: throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(dir);
    System.out.printf(Locale.ROOT, "%-9s %-22s %10s %10s %9s%n", "records", "indexer", "seconds", "MB/s", "vs python");
    try (StoreRegistry stores = new StoreRegistry(StoreConfig.fromEnvironment())) {
      for (int recordBytes : new int[] {100 * 1024, 1024}) {
        Path data = dir.resolve("bench-" + recordBytes + ".tfrecord");
        long size = ensureFile(data, sizeMb << 20, recordBytes);
        double mb = size / 1e6;
        String label = recordBytes / 1024 + " KB";
        ObjectUri local = ObjectUri.local(ObjectUri.Scheme.FILE, data.toAbsolutePath().toString());

        Path pyIdx = dir.resolve("py-" + recordBytes + ".idx");
        String script = python;
        double py = best(repeats, () -> {
          Process p = new ProcessBuilder("python3", script, data.toString(), pyIdx.toString()).inheritIO().start();
          if (p.waitFor() != 0) {
            throw new IOException("python3 failed");
          }
        });
        byte[] expected = Files.readAllBytes(pyIdx);
        row(label, "python3 tfrecord2idx", py, mb, py);
        DaliIndexer indexer = new DaliIndexer(stores);
        for (ScanMode mode : List.of(ScanMode.SEEK, ScanMode.STREAM)) {
          Path out = dir.resolve("java-" + mode + "-" + recordBytes + ".idx");
          ObjectUri outUri = ObjectUri.local(ObjectUri.Scheme.FILE, out.toAbsolutePath().toString());
          double t = best(repeats, () -> indexer.index(local, outUri,
              IndexOptions.DEFAULT.withScanMode(mode).withOverwrite(true)));
          check(expected, Files.readAllBytes(out), mode.toString());
          row(label, "java local " + mode.name().toLowerCase(Locale.ROOT), t, mb, py);
        }
        if (remote != null) {
          ObjectUri r = ObjectUri.parse(remote).child("bench-" + recordBytes + ".tfrecord");
          ObjectStore store = stores.storeFor(r);
          try (InputStream in = Files.newInputStream(data); ObjectWriter w = store.openWriter(r)) {
            in.transferTo(w);
          }
          for (ScanMode mode : List.of(ScanMode.STREAM, ScanMode.RANGED)) {
            if (mode == ScanMode.RANGED && recordBytes < 64 * 1024 && size > (64L << 20)) {
              row(label, r.scheme().id() + " ranged", Double.NaN, mb, py);
              continue; // one request per 1 KB record: hours for 2 GB
            }
            ObjectUri outUri = r.withKey(r.key() + "." + mode + ".idx");
            double t = best(repeats, () -> indexer.index(r, outUri,
                IndexOptions.DEFAULT.withScanMode(mode).withOverwrite(true)));
            check(expected, store.get(outUri), mode.toString());
            row(label, r.scheme().id() + " " + mode.name().toLowerCase(Locale.ROOT), t, mb, py);
          }
        }
      }
    }
  }

  interface Work {
    void run() throws Exception;
  }

  static double best(int repeats, Work w) throws Exception {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      w.run();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  static void row(String label, String what, double secs, double mb, double py) {
    System.out.printf(Locale.ROOT, "%-9s %-22s %10.3f %10.0f %8.1fx%n", label, what, secs, mb / secs, py / secs);
  }

  static void check(byte[] expected, byte[] got, String what) {
    if (!Arrays.equals(expected, got)) {
      throw new IllegalStateException(what + " index differs from python's");
    }
  }

  /** Writes (once) a file of about {@code bytes} bytes of records of recordBytes payload bytes. */
  static long ensureFile(Path p, long bytes, int recordBytes) throws IOException {
    long n = bytes / (recordBytes + 16);
    long want = n * (recordBytes + 16);
    if (Files.exists(p) && Files.size(p) == want) {
      return want;
    }
    byte[] payload = new byte[recordBytes];
    new Random(1).nextBytes(payload);
    try (OutputStream out = Files.newOutputStream(p); TfRecordWriter w = new TfRecordWriter(out, Compression.NONE)) {
      for (long i = 0; i < n; i++) {
        payload[(int) (i % recordBytes)] ^= 1;
        w.write(payload);
      }
    }
    return want;
  }

}
