package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.data.ExampleDecoder;
import io.s3dlio.tfrecord.spark.data.FeatureTypeException;
import io.s3dlio.tfrecord.spark.io.CompressedRecordSource;
import io.s3dlio.tfrecord.spark.io.HadoopFiles;
import io.s3dlio.tfrecord.spark.io.IndexLookup;
import io.s3dlio.tfrecord.spark.io.RecordSource;
import io.s3dlio.tfrecord.spark.io.RecordStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one split of one file (a {@link PartitionedFile}: bytes {@code [start, start + length)})
 * into rows: the records whose first byte lies in the split (the Hadoop rule), decoded for the
 * pruned data schema (nothing is decoded when no data column is asked for, as for count()),
 * followed by the partition values. A split that does not start at 0 finds its first record
 * through the file's DALI index ({@link IndexLookup}) or, without one, by resynchronising
 * ({@link RecordStream}). A compressed file is read whole by the split that starts at 0; its
 * other splits (only possible when the compression is found from the bytes, not the name) are
 * empty. Counts go to the task's {@link TfRecordMetrics.Totals}.
 */
final class TfRecordFileReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(TfRecordFileReader.class);

  private final String source;
  private final TfRecordOptions options;
  private final TfRecordMetrics.Totals totals;
  private final ExampleDecoder decoder;
  private final int dataWidth;
  private final GenericInternalRow row;
  private final RecordSource records;
  private long corruptPayloads;
  private boolean closed;

  /**
   * @param partitionSchema the partition columns to append (empty when the caller appends them)
   */
  TfRecordFileReader(Configuration hadoop, PartitionedFile file, TfRecordOptions options, StructType dataSchema,
      StructType partitionSchema, TfRecordMetrics.Totals totals) throws IOException {
    this.options = options;
    this.totals = totals;
    Path path = file.toPath();
    this.source = path.toString();
    this.dataWidth = dataSchema.size();
    boolean byteArray = options.recordType() == SparkRecordType.BYTE_ARRAY;
    this.decoder = dataWidth == 0 || byteArray ? null : new ExampleDecoder(dataSchema, options.recordType());
    this.row = new GenericInternalRow(dataWidth + partitionSchema.size());
    for (int i = 0; i < partitionSchema.size(); i++) {
      row.update(dataWidth + i, file.partitionValues().get(i, partitionSchema.fields()[i].dataType()));
    }
    this.records = options.isIndexFile(path.getName()) ? null
        : open(hadoop, path, file.fileSize(), file.start(), file.start() + file.length(), dataWidth == 0);
    totals.current = this;
  }

  private RecordSource open(Configuration hadoop, Path path, long length, long start, long end, boolean countOnly)
      throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    Compression c = options.compression() != null ? options.compression()
        : FileSplits.compressionByName(path.getName());
    boolean compressed = c != null && c != Compression.NONE;
    if (compressed && start > 0) {
      return null;
    }
    FSDataInputStream in = HadoopFiles.open(fs, path, length, start, end, compressed ? "whole-file" : "sequential");
    totals.files++;
    try {
      byte[] head = new byte[Compression.DETECT_BYTES];
      int headLength = 0;
      if (start == 0) {
        // Touches the file now, so that a missing one fails here (ignoreMissingFiles), and
        // gives the first bytes to detect the compression from.
        headLength = Math.max(0, in.readNBytes(head, 0, head.length));
      } else if (c == null) {
        headLength = Math.max(0, in.read(0, head, 0, (int) Math.min(head.length, length)));
        totals.bytes += headLength;
      }
      if (c == null) {
        c = Compression.detect(head, headLength);
        compressed = c != Compression.NONE;
      }
      if (compressed) {
        if (start > 0) {
          in.close();
          return null;
        }
        return new CompressedRecordSource(new SequenceInputStream(new ByteArrayInputStream(head, 0, headLength), in),
            source, new ReaderOptions(options.verifyChecksums(), options.ignoreCorruptRecords(), c));
      }
      return uncompressed(hadoop, in, path, length, start, end, countOnly, start == 0 ? head : null,
          start == 0 ? headLength : 0);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private RecordSource uncompressed(Configuration hadoop, FSDataInputStream in, Path path, long length, long start,
      long end, boolean countOnly, byte[] head, int headLength) throws IOException {
    boolean require = options.useIndex() == TfRecordOptions.UseIndex.REQUIRE;
    boolean wholeFile = start == 0 && end >= length;
    IndexLookup.Boundary boundary = null;
    if (require || !wholeFile && options.useIndex() == TfRecordOptions.UseIndex.AUTO) {
      try {
        boundary = IndexLookup.find(hadoop, path, length, start, options.indexLocation(), options.indexSuffix());
      } catch (IndexLookup.MismatchException e) {
        if (require || !options.splitWithoutIndex()) {
          throw e;
        }
        LOG.warn("{}; resynchronising instead", e.getMessage());
      }
      if (boundary == null && require) {
        // Not a FileNotFoundException: the data file is there (ignoreMissingFiles must not skip it).
        throw new IOException("Cannot read " + path + " with useIndex=require: no index at "
            + String.join(", ", IndexLookup.candidates(path, options.indexLocation(), options.indexSuffix())
                .stream().map(Path::toString).toList()));
      }
    }
    boolean verify = options.verifyChecksums();
    boolean skip = options.ignoreCorruptRecords();
    if (boundary != null) {
      if (start > 0) {
        totals.indexSplits++;
      }
      if (boundary.offset() >= end) {
        in.close();
        return null;
      }
      if (boundary.offset() != start) {
        in.seek(boundary.offset());
        head = null;
        headLength = 0;
      }
      return new RecordStream(in, source, length, boundary.offset(), end, true, verify, skip, countOnly, head,
          headLength);
    }
    if (start == 0) {
      // No index to cut the file by and splitting without one is off: this split reads it all.
      long to = options.splitWithoutIndex() ? end : length;
      return new RecordStream(in, source, length, 0, to, true, verify, skip, countOnly, head, headLength);
    }
    if (!options.splitWithoutIndex()) {
      in.close();
      return null;
    }
    totals.resyncSplits++;
    return new RecordStream(in, source, length, start, end, false, verify, skip, countOnly);
  }

  @Override
  public boolean next() throws IOException {
    if (records == null) {
      return false;
    }
    while (records.next()) {
      if (dataWidth > 0) {
        byte[] buf = records.payloadArray();
        int off = records.payloadOffset();
        int len = records.payloadLength();
        if (decoder == null) {
          row.update(0, Arrays.copyOfRange(buf, off, off + len));
        } else {
          try {
            decoder.decode(buf, off, len, row, source, records.recordOffset());
          } catch (FeatureTypeException e) {
            throw e;
          } catch (TfRecordFormatException e) {
            if (!options.ignoreCorruptRecords()) {
              throw e;
            }
            corruptPayloads++;
            continue;
          }
        }
      }
      totals.records++;
      return true;
    }
    return false;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  long bytesRead() {
    return records == null ? 0 : records.bytesRead();
  }

  long corruptRecords() {
    return corruptPayloads + (records == null ? 0 : records.corruptRecords());
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    totals.bytes += bytesRead();
    totals.corrupt += corruptRecords();
    if (totals.current == this) {
      totals.current = null;
    }
    if (records != null) {
      records.close();
    }
  }
}
