package io.s3dlio.npz.spark;

import java.io.IOException;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Hadoop FileSystems one task (or the planner) reads through, resolved once per filesystem
 * instead of once per file ({@code Path.getFileSystem} looks up the caller's identity and Hadoop's
 * FileSystem cache on every call, a cost that shows on thousands of small files).
 *
 * <p>Checksum layer: on a {@link ChecksumFileSystem} (Hadoop's {@code file://}
 * {@code LocalFileSystem}), every open also looks up the file's {@code .crc} sidecar and allocates
 * a second buffered stream, two thirds of the cost of reading a small file (docs/npz.md). An
 * {@code .npz} read whole is opened through the raw FileSystem under it instead: every member the
 * reader uses is read whole and checked against its zip CRC-32 by the codec, so the sidecar would
 * check the same bytes again. Row ranges of a split file and {@code .npy} files (no checksum of
 * their own) are read through the checksum layer, which verifies a sidecar where one exists.
 */
final class ReadFileSystems {
  private final Configuration conf;
  private String scheme;
  private String authority;
  private FileSystem fs;

  ReadFileSystems(Configuration conf) {
    this.conf = conf;
  }

  /** The FileSystem of {@code path} (as {@code path.getFileSystem(conf)}, remembered). */
  FileSystem get(Path path) throws IOException {
    String s = path.toUri().getScheme();
    String a = path.toUri().getAuthority();
    if (fs == null || !Objects.equals(s, scheme) || !Objects.equals(a, authority)) {
      fs = path.getFileSystem(conf);
      scheme = s;
      authority = a;
    }
    return fs;
  }

  /**
   * The FileSystem to read {@code path} through: its own, or the raw one under a checksum layer
   * when {@code crcChecked} (every byte used is checked by the codec's CRC-32).
   */
  FileSystem forRead(Path path, boolean crcChecked) throws IOException {
    FileSystem f = get(path);
    return crcChecked && f instanceof ChecksumFileSystem c ? c.getRawFileSystem() : f;
  }

  /**
   * Opens {@code path} of {@code size} bytes (as listed) for a read of bytes {@code [start, start +
   * length)} by {@code format} ("npz" or "npy"): a read of the whole file gets the whole-file fetch
   * of {@link HadoopRangeSource} and, for an .npz, skips the checksum layer (see above). {@code name}
   * is {@code path.toString()}, made once per file by the caller.
   */
  HadoopRangeSource open(Path path, String name, long start, long length, long size, String format)
      throws IOException {
    boolean whole = start == 0 && length >= size;
    return HadoopRangeSource.open(forRead(path, whole && "npz".equals(format)), path, name, size, whole);
  }
}
