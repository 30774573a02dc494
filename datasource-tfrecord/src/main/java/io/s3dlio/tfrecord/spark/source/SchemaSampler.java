package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import io.s3dlio.tfrecord.spark.TfRecordReadConf;
import io.s3dlio.tfrecord.spark.data.SchemaInference;
import io.s3dlio.tfrecord.spark.io.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.StructType;

/**
 * Infers the data schema from a bounded sample: at most {@code sampleFiles} files spread evenly
 * over the sorted listing (first and last included), at most {@code sampleRecordsPerFile} records
 * from the start of each.
 */
final class SchemaSampler {
  private SchemaSampler() {
  }

  static List<FileListing.FileEntry> sample(List<FileListing.FileEntry> files, int max) {
    if (files.size() <= max) {
      return files;
    }
    List<FileListing.FileEntry> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      out.add(files.get((int) ((long) i * (files.size() - 1) / Math.max(1, max - 1))));
    }
    return out;
  }

  static StructType infer(Configuration hadoop, FileListing listing, TfRecordReadConf conf, List<String> roots)
      throws IOException {
    if (conf.recordType() == SparkRecordType.BYTE_ARRAY) {
      return SchemaInference.byteArraySchema();
    }
    if (listing.files().isEmpty()) {
      throw new IOException("Cannot infer a TFRecord schema for " + roots + ": no files found; give a schema");
    }
    SchemaInference inference = new SchemaInference(conf.recordType());
    List<FileListing.FileEntry> sampled = sample(listing.files(), conf.sampleFiles());
    ReaderOptions ro = new ReaderOptions(conf.verifyChecksums(), conf.ignoreCorruptRecords(), conf.compression());
    for (FileListing.FileEntry f : sampled) {
      Path p = new Path(f.path());
      FileSystem fs = p.getFileSystem(hadoop);
      try (TfRecordReader r = TfRecordReader.open(HadoopFiles.open(fs, p, f.length(), 0, f.length(), "sequential"),
          f.path(), ro)) {
        for (int i = 0; i < conf.sampleRecordsPerFile(); i++) {
          byte[] payload = r.next();
          if (payload == null) {
            break;
          }
          inference.add(payload, f.path(), r.lastOffset());
        }
      }
    }
    if (inference.records() == 0) {
      throw new IOException("Cannot infer a TFRecord schema for " + roots + ": the " + sampled.size()
          + " sampled files hold no records; give a schema");
    }
    return inference.schema();
  }
}
