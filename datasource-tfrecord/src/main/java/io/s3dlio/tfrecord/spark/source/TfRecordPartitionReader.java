package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import io.s3dlio.tfrecord.spark.data.ExampleDecoder;
import io.s3dlio.tfrecord.spark.data.FeatureTypeException;
import io.s3dlio.tfrecord.spark.io.CompressedRecordSource;
import io.s3dlio.tfrecord.spark.io.HadoopFiles;
import io.s3dlio.tfrecord.spark.io.RecordSource;
import io.s3dlio.tfrecord.spark.io.RecordStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one input partition into rows: the data columns (decoded by a decoder built once for the
 * pruned schema; nothing is decoded when no data column is requested, as for count()) followed by
 * the partition columns.
 */
final class TfRecordPartitionReader implements PartitionReader<InternalRow> {
  private final TfRecordInputPartition split;
  private final TfRecordReadConf conf;
  private final RecordSource records;
  private final ExampleDecoder decoder;
  private final int dataWidth;
  private final GenericInternalRow row;
  private long recordsRead;
  private long corruptPayloads;

  TfRecordPartitionReader(Configuration hadoop, TfRecordInputPartition split, TfRecordReadConf conf,
      StructType dataSchema, StructType partitionSchema) throws IOException {
    this.split = split;
    this.conf = conf;
    this.dataWidth = dataSchema.size();
    boolean byteArray = conf.recordType() == SparkRecordType.BYTE_ARRAY;
    this.decoder = dataWidth == 0 || byteArray ? null : new ExampleDecoder(dataSchema, conf.recordType());
    this.row = new GenericInternalRow(dataWidth + partitionSchema.size());
    for (int i = 0; i < partitionSchema.size(); i++) {
      row.update(dataWidth + i, split.partitionValues().get(i, partitionSchema.fields()[i].dataType()));
    }
    this.records = open(hadoop, split, conf, dataWidth == 0);
  }

  private static RecordSource open(Configuration hadoop, TfRecordInputPartition split, TfRecordReadConf conf,
      boolean countOnly) throws IOException {
    Path path = new Path(split.path());
    FileSystem fs = path.getFileSystem(hadoop);
    Compression c = split.compression();
    boolean whole = split.kind() == TfRecordInputPartition.Kind.WHOLE_FILE;
    FSDataInputStream in = HadoopFiles.open(fs, path, split.length(), split.start(), split.end(),
        whole ? "whole-file" : "sequential");
    try {
      if (c == null && split.start() == 0) {
        byte[] head = new byte[Compression.DETECT_BYTES];
        int n = in.read(0, head, 0, head.length);
        c = Compression.detect(head, Math.max(0, n));
      }
      if (c != null && c != Compression.NONE) {
        return new CompressedRecordSource(in, split.path(),
            new ReaderOptions(conf.verifyChecksums(), conf.ignoreCorruptRecords(), c));
      }
      return new RecordStream(in, split.path(), split.length(), split.start(), split.end(),
          split.startsAtBoundary(), conf.verifyChecksums(), conf.ignoreCorruptRecords(), countOnly);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public boolean next() throws IOException {
    while (records.next()) {
      if (dataWidth > 0) {
        byte[] buf = records.payloadArray();
        int off = records.payloadOffset();
        int len = records.payloadLength();
        if (decoder == null) {
          row.update(0, Arrays.copyOfRange(buf, off, off + len));
        } else {
          try {
            decoder.decode(buf, off, len, row, split.path(), records.recordOffset());
          } catch (FeatureTypeException e) {
            throw e;
          } catch (TfRecordFormatException e) {
            if (!conf.ignoreCorruptRecords()) {
              throw e;
            }
            corruptPayloads++;
            continue;
          }
        }
      }
      recordsRead++;
      return true;
    }
    return false;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return new CustomTaskMetric[] {
        TfRecordMetrics.task(TfRecordMetrics.RECORDS_READ, recordsRead),
        TfRecordMetrics.task(TfRecordMetrics.BYTES_READ, records.bytesRead()),
        TfRecordMetrics.task(TfRecordMetrics.CORRUPT_SKIPPED, records.corruptRecords() + corruptPayloads),
        TfRecordMetrics.task(TfRecordMetrics.INDEX_SPLITS, split.kind() == TfRecordInputPartition.Kind.INDEX ? 1 : 0),
        TfRecordMetrics.task(TfRecordMetrics.RESYNC_SPLITS, records.resynced() ? 1 : 0)};
  }

  @Override
  public void close() throws IOException {
    records.close();
  }
}
