package io.s3dlio.tfrecord.spark.io;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/** Opening files through the Hadoop FileSystem API with the openFile() hints (Hadoop 3.3.5+). */
public final class HadoopFiles {
  /** Hadoop's standard openFile() option keys. */
  public static final String READ_POLICY = "fs.option.openfile.read.policy";
  public static final String LENGTH = "fs.option.openfile.length";
  public static final String SPLIT_START = "fs.option.openfile.split.start";
  public static final String SPLIT_END = "fs.option.openfile.split.end";

  private HadoopFiles() {
  }

  /**
   * Opens {@code path} for a read of bytes {@code [start, end)} (plus the tail of the record that
   * crosses {@code end}), positioned at {@code start}. The length hint spares a store a HEAD
   * request; the read policy tells it the pattern ({@code sequential} for scans, {@code whole-file}
   * for compressed files).
   */
  public static FSDataInputStream open(FileSystem fs, Path path, long length, long start, long end, String policy)
      throws IOException {
    FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path)
        .opt(READ_POLICY, policy)
        .opt(LENGTH, Long.toString(length))
        .opt(SPLIT_START, Long.toString(start))
        .opt(SPLIT_END, Long.toString(end))
        .build());
    if (start > 0) {
      in.seek(start);
    }
    return in;
  }
}
