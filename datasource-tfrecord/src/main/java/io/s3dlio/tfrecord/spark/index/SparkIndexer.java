package io.s3dlio.tfrecord.spark.index;

import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.spark.io.CompressedRecordSource;
import io.s3dlio.tfrecord.spark.io.DaliIndex;
import io.s3dlio.tfrecord.spark.io.HadoopFiles;
import io.s3dlio.tfrecord.spark.io.RecordSource;
import io.s3dlio.tfrecord.spark.io.RecordStream;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.io.IndexLookup;
import io.s3dlio.tfrecord.spark.source.FileSplits;
import io.s3dlio.tfrecord.spark.source.Sources;
import io.s3dlio.tfrecord.spark.source.TfRecordTable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes the DALI index of every TFRecord file under a path or glob as a Spark job, into the
 * {@code _index} folder beside each file (where the tfrecord source writes and looks for them, and
 * where Hadoop and Spark listings skip them). The files are listed by Spark's file index (globs,
 * hidden files skipped), one task per
 * file, and a file above {@code chunkBytes} cut into chunks indexed in parallel (each chunk
 * resynchronises at its start, exactly as a split read does, and lists the records starting in
 * it), then stitched on the driver and checked (contiguous from 0, covering the whole file) before
 * the index is written. An index is skipped when it is up to date: not older than its file and
 * consistent with its length. The result is byte-identical to a single-threaded index of the
 * same file. Every record's CRCs are checked; a corrupt or truncated file fails with its name and
 * offset (DALI's own tool would index a truncated last record with its short size). A compressed
 * file is indexed whole, over its decompressed stream.
 */
public final class SparkIndexer {
  public static final long DEFAULT_CHUNK_BYTES = 256L << 20;

  private SparkIndexer() {
  }

  /** One unit of work. */
  record Chunk(String file, long length, int chunk, long start, long end, boolean compressed)
      implements Serializable {
  }

  /** The records starting in one chunk. */
  record ChunkIndex(String file, int chunk, long[] offsets, long[] sizes) implements Serializable {
  }

  /**
   * Indexes every file under {@code pathOrGlob}.
   *
   * @param force re-index even up-to-date files
   * @return records per file (for skipped files, the count in their existing index), in path order
   */
  public static Map<String, Long> index(SparkSession spark, String pathOrGlob, long chunkBytes, String indexSuffix,
      boolean force) {
    try {
      return run(spark, pathOrGlob, chunkBytes, indexSuffix, force);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static Map<String, Long> run(SparkSession spark, String pathOrGlob, long chunkBytes, String suffix,
      boolean force) throws IOException {
    Map<String, String> opts = Map.of(TfRecordOptions.INDEX_SUFFIX, suffix);
    Configuration hadoop = Sources.hadoopConf(spark, opts);
    TfRecordTable table = new TfRecordTable("index " + pathOrGlob, spark, new CaseInsensitiveStringMap(opts),
        CollectionConverters.asScala(List.of(pathOrGlob)).toSeq(), Option.empty());
    List<FileStatus> listed = new ArrayList<>();
    for (FileStatus f : CollectionConverters.asJava(table.fileIndex().allFiles())) {
      if (!f.getPath().getName().endsWith(suffix)) {
        listed.add(f);
      }
    }
    listed.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
    Map<String, Long> result = new TreeMap<>();
    List<Chunk> work = new ArrayList<>();
    Map<String, Long> lengths = new LinkedHashMap<>();
    for (FileStatus f : listed) {
      Path data = f.getPath();
      String path = data.toString();
      Path idx = IndexLookup.writtenIndex(data, suffix);
      FileSystem fs = data.getFileSystem(hadoop);
      boolean compressed = FileSplits.compressionByName(data.getName()) != null;
      if (!force) {
        Long upToDate = upToDate(fs, idx, f, compressed);
        if (upToDate != null) {
          result.put(path, upToDate);
          continue;
        }
      }
      lengths.put(path, f.getLen());
      if (compressed || f.getLen() <= chunkBytes) {
        work.add(new Chunk(path, f.getLen(), 0, 0, f.getLen(), compressed));
      } else {
        int c = 0;
        for (long s = 0; s < f.getLen(); s += chunkBytes) {
          work.add(new Chunk(path, f.getLen(), c++, s, Math.min(f.getLen(), s + chunkBytes), false));
        }
      }
    }
    if (work.isEmpty()) {
      return result;
    }
    Broadcast<SerializableConfiguration> bc = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(hadoop));
    List<ChunkIndex> parts = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(work, work.size()).map(c -> indexChunk(c, bc.value().value())).collect();
    Map<String, List<ChunkIndex>> byFile = new TreeMap<>();
    for (ChunkIndex p : parts) {
      byFile.computeIfAbsent(p.file(), k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<String, List<ChunkIndex>> e : byFile.entrySet()) {
      e.getValue().sort((a, b) -> Integer.compare(a.chunk(), b.chunk()));
      DaliIndex index = stitch(e.getValue());
      boolean compressed = work.stream().anyMatch(w -> w.file().equals(e.getKey()) && w.compressed());
      String bad = compressed ? null : index.inconsistency(lengths.get(e.getKey()));
      if (bad != null) {
        throw new IOException("Cannot index " + e.getKey() + ": the stitched chunks do not cover the file: " + bad);
      }
      write(IndexLookup.writtenIndex(new Path(e.getKey()), suffix), index.toBytes(), hadoop);
      result.put(e.getKey(), (long) index.size());
    }
    return result;
  }

  private static Long upToDate(FileSystem fs, Path idx, FileStatus f, boolean compressed) throws IOException {
    try {
      FileStatus st = fs.getFileStatus(idx);
      if (st.getModificationTime() < f.getModificationTime()) {
        return null;
      }
      DaliIndex index;
      try (InputStream in = fs.open(idx)) {
        index = DaliIndex.read(in, idx.toString());
      }
      return compressed || index.inconsistency(f.getLen()) == null ? (long) index.size() : null;
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  static DaliIndex stitch(List<ChunkIndex> chunks) {
    int n = chunks.stream().mapToInt(c -> c.offsets().length).sum();
    long[] off = new long[n];
    long[] sz = new long[n];
    int i = 0;
    for (ChunkIndex c : chunks) {
      System.arraycopy(c.offsets(), 0, off, i, c.offsets().length);
      System.arraycopy(c.sizes(), 0, sz, i, c.sizes().length);
      i += c.offsets().length;
    }
    return new DaliIndex(off, sz);
  }

  static ChunkIndex indexChunk(Chunk c, Configuration hadoop) throws IOException {
    Path p = new Path(c.file());
    FileSystem fs = p.getFileSystem(hadoop);
    long[] off = new long[1024];
    long[] sz = new long[1024];
    int n = 0;
    try (RecordSource src = c.compressed()
        ? new CompressedRecordSource(HadoopFiles.open(fs, p, c.length(), 0, c.length(), "whole-file"), c.file(),
            ReaderOptions.DEFAULT)
        : new RecordStream(HadoopFiles.open(fs, p, c.length(), c.start(), c.end(), "sequential"), c.file(), c.length(),
            c.start(), c.end(), c.start() == 0, true, false, false)) {
      while (src.next()) {
        if (n == off.length) {
          off = Arrays.copyOf(off, n * 2);
          sz = Arrays.copyOf(sz, n * 2);
        }
        off[n] = src.recordOffset();
        sz[n] = TfRecordFraming.frameSize(src.payloadLength());
        n++;
      }
    }
    return new ChunkIndex(c.file(), c.chunk(), Arrays.copyOf(off, n), Arrays.copyOf(sz, n));
  }

  private static void write(Path idx, byte[] text, Configuration hadoop) throws IOException {
    FileSystem fs = idx.getFileSystem(hadoop);
    Path tmp = new Path(idx.getParent(), "." + idx.getName() + ".tmp-" + System.nanoTime());
    try (OutputStream o = fs.create(tmp, true)) {
      o.write(text);
    }
    fs.delete(idx, false);
    if (!fs.rename(tmp, idx)) {
      fs.delete(tmp, false);
      throw new IOException("Cannot write index " + idx + ": rename from " + tmp + " failed");
    }
  }
}
