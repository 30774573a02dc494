package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import io.s3dlio.tfrecord.spark.io.DaliIndex;
import io.s3dlio.tfrecord.spark.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts files into input partitions near {@code maxPartitionBytes}: compressed files whole (by
 * extension, or by magic bytes for a file large enough to split); a file with a valid DALI index
 * at record boundaries from the index; otherwise at byte offsets, each partition finding its
 * first record by resynchronisation ({@code splitWithoutIndex}, default true). Indexes are looked
 * at only for files large enough to split, unless {@code useIndex=require}.
 */
final class SplitPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(SplitPlanner.class);

  private SplitPlanner() {
  }

  static Compression compressionByName(String path) {
    String n = path.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz") || n.endsWith(".gzip")) {
      return Compression.GZIP;
    }
    if (n.endsWith(".zlib") || n.endsWith(".zz")) {
      return Compression.ZLIB;
    }
    return null;
  }

  /** Where the index of a data file is. */
  static Path indexPath(String dataPath, TfRecordReadConf conf) {
    Path p = new Path(dataPath);
    if (conf.indexLocation() != null) {
      return new Path(new Path(conf.indexLocation()), p.getName() + conf.indexSuffix());
    }
    return new Path(p.getParent(), p.getName() + conf.indexSuffix());
  }

  static List<TfRecordInputPartition> plan(Configuration hadoop, FileListing listing, TfRecordReadConf conf,
      StructType partitionSchema, int parallelism) throws IOException {
    List<TfRecordInputPartition> out = new ArrayList<>();
    // As Spark's file sources: no larger than total / parallelism (so one big file uses every
    // core), no smaller than 4 MiB, no larger than maxPartitionBytes.
    long total = listing.files().stream().mapToLong(FileListing.FileEntry::length).sum();
    long max = Math.min(conf.maxPartitionBytes(), Math.max(4L << 20, total / Math.max(1, parallelism)));
    for (FileListing.FileEntry f : listing.files()) {
      InternalRow pv = listing.partitionRow(f, partitionSchema);
      Path path = new Path(f.path());
      FileSystem fs = path.getFileSystem(hadoop);
      Compression c = conf.compression() != null ? conf.compression() : compressionByName(f.path());
      boolean large = f.length() > max;
      DaliIndex index = null;
      if (conf.useIndex() == TfRecordReadConf.UseIndex.REQUIRE
          || conf.useIndex() == TfRecordReadConf.UseIndex.AUTO && large && c == null) {
        index = index(fs, f, conf);
      }
      if (c == null && large) {
        c = probe(fs, path, f.length());
      }
      if (c == null && !large) {
        c = null; // detected by the reader
      }
      if (!large || (c != null && c != Compression.NONE)) {
        out.add(new TfRecordInputPartition(f.path(), f.length(), 0, f.length(), c,
            TfRecordInputPartition.Kind.WHOLE_FILE, pv));
        continue;
      }
      if (index != null) {
        long start = 0;
        long acc = 0;
        for (int i = 0; i < index.size(); i++) {
          acc += index.recordSize(i);
          if (acc >= max && i < index.size() - 1) {
            long end = index.offset(i) + index.recordSize(i);
            out.add(new TfRecordInputPartition(f.path(), f.length(), start, end, Compression.NONE,
                TfRecordInputPartition.Kind.INDEX, pv));
            start = end;
            acc = 0;
          }
        }
        out.add(new TfRecordInputPartition(f.path(), f.length(), start, f.length(), Compression.NONE,
            TfRecordInputPartition.Kind.INDEX, pv));
      } else if (conf.splitWithoutIndex()) {
        for (long s = 0; s < f.length(); s += max) {
          out.add(new TfRecordInputPartition(f.path(), f.length(), s, Math.min(f.length(), s + max),
              Compression.NONE, TfRecordInputPartition.Kind.RESYNC, pv));
        }
      } else {
        out.add(new TfRecordInputPartition(f.path(), f.length(), 0, f.length(), Compression.NONE,
            TfRecordInputPartition.Kind.WHOLE_FILE, pv));
      }
    }
    return out;
  }

  /** The file's index when there is a consistent one; errors under useIndex=require. */
  private static DaliIndex index(FileSystem dataFs, FileListing.FileEntry f, TfRecordReadConf conf)
      throws IOException {
    Path ip = indexPath(f.path(), conf);
    FileSystem fs = ip.getFileSystem(dataFs.getConf());
    boolean require = conf.useIndex() == TfRecordReadConf.UseIndex.REQUIRE;
    DaliIndex index;
    try (InputStream in = fs.open(ip)) {
      index = DaliIndex.read(in, ip.toString());
    } catch (FileNotFoundException e) {
      if (require) {
        throw new FileNotFoundException("Cannot read " + f.path() + " with useIndex=require: no index at " + ip);
      }
      return null;
    }
    String bad = index.inconsistency(f.length());
    if (bad != null) {
      String msg = "Cannot use index " + ip + " for " + f.path() + ": " + bad;
      if (require) {
        throw new IOException(msg);
      }
      LOG.warn("{}; splitting without it", msg);
      return null;
    }
    return index;
  }

  /** The compression of a file from its first bytes. */
  private static Compression probe(FileSystem fs, Path path, long length) throws IOException {
    try (FSDataInputStream in = HadoopFiles.open(fs, path, length, 0, Math.min(length, 64), "random")) {
      byte[] head = in.readNBytes(Compression.DETECT_BYTES);
      return Compression.detect(head, head.length);
    }
  }
}
