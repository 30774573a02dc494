package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.spark.TfRecordWriteConf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One part file being written by a task attempt, with its DALI index built in the same pass
 * (offsets and sizes of the framed records; for a gzip file, of the decompressed stream).
 */
final class PartFile {
  private final FileSystem fs;
  private final Path attemptDir;
  private final String relativePath;
  private final TfRecordWriteConf conf;
  private final TfRecordWriter writer;
  private final ByteArrayOutputStream index = new ByteArrayOutputStream();

  PartFile(FileSystem fs, Path attemptDir, String relativePath, TfRecordWriteConf conf) throws IOException {
    this.fs = fs;
    this.attemptDir = attemptDir;
    this.relativePath = relativePath;
    this.conf = conf;
    OutputStream out = fs.create(new Path(attemptDir, relativePath), false);
    this.writer = new TfRecordWriter(out, conf.compression());
  }

  long records() {
    return writer.records();
  }

  String describeNext() {
    return "record " + writer.records() + " of part file " + relativePath;
  }

  void write(byte[] payload) throws IOException {
    long offset = writer.bytes();
    writer.write(payload);
    if (conf.writeIndex()) {
      index.writeBytes((offset + " " + TfRecordFraming.frameSize(payload.length) + "\n")
          .getBytes(StandardCharsets.US_ASCII));
    }
  }

  TfRecordWriteJob.WrittenFile close() throws IOException {
    writer.close();
    if (conf.writeIndex()) {
      try (OutputStream o = fs.create(new Path(attemptDir, relativePath + conf.indexSuffix()), false)) {
        index.writeTo(o);
      }
    }
    return new TfRecordWriteJob.WrittenFile(attemptDir.toString(), relativePath, writer.records(), conf.writeIndex());
  }

  void abort() {
    try {
      writer.close();
    } catch (IOException | RuntimeException ignored) {
      // the attempt folder is deleted next
    }
  }
}
