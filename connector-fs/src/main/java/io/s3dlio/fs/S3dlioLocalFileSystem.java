package io.s3dlio.fs;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.impl.OpenFileParameters;

/**
 * {@code file:///} served by the s3dlio FileSystem ({@link S3dlioFileSystem.LocalFile}: pread
 * with the read policy passed to the kernel through {@code posix_fadvise}, writes to a hidden
 * temporary file renamed at close) inside a {@link LocalFileSystem}, so that
 * {@code fs.file.impl=io.s3dlio.fs.S3dlioLocalFileSystem} switches {@code file://} over without
 * breaking {@link org.apache.hadoop.fs.FileSystem#getLocal} (which casts to LocalFileSystem).
 *
 * <p>Checksums: LocalFileSystem is a ChecksumFileSystem, which writes a {@code .name.crc} file
 * next to every file and verifies it on read. Here both are off unless
 * {@value FsConstants#LOCAL_CHECKSUM} is true: files are written byte for byte with no sidecar,
 * as on the object stores, and {@code openFile()} reaches the raw FileSystem with its options
 * (read policy, length, split), which ChecksumFileSystem would drop. With checksums on, this
 * behaves as Hadoop's LocalFileSystem over the s3dlio raw FileSystem.
 */
public class S3dlioLocalFileSystem extends LocalFileSystem {
  private final S3dlioFileSystem.LocalFile raw;
  private boolean verify;

  public S3dlioLocalFileSystem() {
    this(new S3dlioFileSystem.LocalFile());
  }

  private S3dlioLocalFileSystem(S3dlioFileSystem.LocalFile raw) {
    super(raw);
    this.raw = raw;
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    boolean checksums = conf.getBoolean(FsConstants.LOCAL_CHECKSUM, FsConstants.LOCAL_CHECKSUM_DEFAULT);
    setWriteChecksum(checksums);
    setVerifyChecksum(checksums);
  }

  @Override
  public void setVerifyChecksum(boolean verifyChecksum) {
    super.setVerifyChecksum(verifyChecksum);
    this.verify = verifyChecksum;
  }

  /** Without checksum verification, openFile() goes to the raw FileSystem with all its options. */
  @Override
  protected CompletableFuture<FSDataInputStream> openFileWithOptions(Path path, OpenFileParameters parameters)
      throws IOException {
    return verify ? super.openFileWithOptions(path, parameters) : raw.openFileWithOptions(path, parameters);
  }

  /** The local file of a path (LocalFileSystem's own version casts the raw FS to RawLocalFileSystem). */
  @Override
  public File pathToFile(Path path) {
    return new File(makeQualified(path).toUri().getPath());
  }

  /** Checksum failures are reported, not handled by moving files aside (no bad_files directory). */
  @Override
  public boolean reportChecksumFailure(Path p, FSDataInputStream in, long inPos, FSDataInputStream sums,
      long sumsPos) {
    return false;
  }

  @Override
  public String toString() {
    return "S3dlioLocalFileSystem{" + raw + "}";
  }
}
