package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import io.s3dlio.tfrecord.spark.TfRecordOptions;
import io.s3dlio.tfrecord.spark.data.SchemaInference;
import io.s3dlio.tfrecord.spark.io.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.StructType;

/**
 * Infers the data schema from a bounded sample of the listed files: at most {@code sampleFiles}
 * files (all with {@code mergeSchema=true}) spread evenly over the files sorted by path (first and
 * last included), at most {@code sampleRecordsPerFile} records from the start of each. Index
 * files are left out.
 */
public final class SchemaSampler {
  private SchemaSampler() {
  }

  static List<FileStatus> sample(List<FileStatus> files, int max) {
    if (files.size() <= max) {
      return files;
    }
    List<FileStatus> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      out.add(files.get((int) ((long) i * (files.size() - 1) / Math.max(1, max - 1))));
    }
    return out;
  }

  /**
   * @return the data schema, or null when there are no data files (Spark then asks for a schema)
   * @throws IOException when the sampled files hold no record, naming how many were sampled
   */
  public static StructType infer(Configuration hadoop, List<FileStatus> listed, TfRecordOptions options)
      throws IOException {
    if (options.recordType() == SparkRecordType.BYTE_ARRAY) {
      return SchemaInference.byteArraySchema();
    }
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus f : listed) {
      if (f.isFile() && !options.isIndexFile(f.getPath().getName())) {
        files.add(f);
      }
    }
    if (files.isEmpty()) {
      return null;
    }
    files.sort(Comparator.comparing(f -> f.getPath().toString()));
    SchemaInference inference = new SchemaInference(options.recordType());
    List<FileStatus> sampled = sample(files, options.sampleFiles());
    ReaderOptions ro = new ReaderOptions(options.verifyChecksums(), options.ignoreCorruptRecords(),
        options.compression());
    for (FileStatus f : sampled) {
      Path p = f.getPath();
      try (TfRecordReader r = TfRecordReader.open(
          HadoopFiles.open(p.getFileSystem(hadoop), p, f.getLen(), 0, f.getLen(), "sequential"), p.toString(), ro)) {
        for (int i = 0; i < options.sampleRecordsPerFile(); i++) {
          byte[] payload = r.next();
          if (payload == null) {
            break;
          }
          inference.add(payload, p.toString(), r.lastOffset());
        }
      }
    }
    if (inference.records() == 0) {
      throw new IOException("Cannot infer a TFRecord schema: the " + sampled.size() + " sampled files (of "
          + files.size() + ", first " + files.get(0).getPath() + ") hold no records; give a schema");
    }
    return inference.schema();
  }
}
