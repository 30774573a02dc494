package io.s3dlio.npz.spark;

import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A file of Hadoop's {@link RawLocalFileSystem} (the {@code file://} FileSystem under Hadoop's
 * checksumming {@code LocalFileSystem}) opened for reading without the stat that
 * {@code RawLocalFileSystem.open} makes first. That stat ({@code getFileStatus}: four system calls
 * and two qualified {@code Path}s) was 40 % of a task's CPU reading 4 KiB files (docs/npz.md), and
 * it only makes {@code open} fail early on a missing file or a folder, which opening the file
 * reports as well ({@link java.io.FileNotFoundException}, as Spark's {@code ignoreMissingFiles}
 * expects). The file is the one the FileSystem maps the path to ({@code pathToFile}), read as its
 * own stream reads it (a {@link FileInputStream}, positioned reads through its channel), and the
 * bytes read are counted in the FileSystem's statistics, which Spark's input metrics read.
 *
 * <p>Only for exactly {@code RawLocalFileSystem}: a subclass may change how files are opened.
 */
final class RawLocalInput extends FSInputStream {
  /** The statistics of RawLocalFileSystem, one object per JVM (Hadoop keeps one per class). */
  private static volatile FileSystem.Statistics statistics;

  private final String name;
  private final FileInputStream in;
  /** The file's channel, for positioned reads. */
  private final FileChannel channel;
  private final FileSystem.Statistics stats;
  private long pos;

  private RawLocalInput(String name, FileInputStream in, FileSystem.Statistics stats) {
    this.name = name;
    this.in = in;
    this.channel = in.getChannel();
    this.stats = stats;
  }

  /** Whether files of {@code fs} are opened here rather than by {@code fs.open}. */
  static boolean serves(FileSystem fs) {
    return fs.getClass() == RawLocalFileSystem.class;
  }

  /** Opens {@code path} of {@code fs}, for which {@link #serves} holds. */
  static FSDataInputStream open(FileSystem fs, Path path) throws IOException {
    return open(fs, path, path.toString());
  }

  /** As {@link #open(FileSystem, Path)}; {@code name} is {@code path.toString()}. */
  static FSDataInputStream open(FileSystem fs, Path path, String name) throws IOException {
    return new FSDataInputStream(new RawLocalInput(name, new FileInputStream(file(fs, path)), statistics(fs)));
  }

  /**
   * Reads {@code path} of {@code fs} (for which {@link #serves} holds) from its start into
   * {@code into}, without a stream object of Hadoop's: the bytes read, fewer than
   * {@code into.length} where the file ends before.
   */
  static int read(FileSystem fs, Path path, byte[] into) throws IOException {
    try (FileInputStream in = new FileInputStream(file(fs, path))) {
      int n = in.readNBytes(into, 0, into.length);
      if (n > 0) {
        statistics(fs).incrementBytesRead(n);
      }
      return n;
    }
  }

  /**
   * The file {@code RawLocalFileSystem.pathToFile} maps {@code path} to: an absolute path's URI
   * path, without the check that the path belongs to the FileSystem ({@code checkPath}, about 1 %
   * of a task's CPU on 4 KiB files in JFR), which holds here: {@code fs} is the one {@link ReadFileSystems}
   * resolved for the path. A relative path goes through {@code pathToFile} (the working folder).
   */
  static File file(FileSystem fs, Path path) {
    return path.isAbsolute() ? new File(path.toUri().getPath()) : ((RawLocalFileSystem) fs).pathToFile(path);
  }

  @SuppressWarnings("deprecation") // Hadoop's only public way to the FileSystem.Statistics of a class
  private static FileSystem.Statistics statistics(FileSystem fs) {
    FileSystem.Statistics s = statistics;
    if (s == null) {
      s = FileSystem.getStatistics(fs.getUri().getScheme(), RawLocalFileSystem.class);
      statistics = s;
    }
    return s;
  }

  private void count(int n) {
    if (n > 0) {
      stats.incrementBytesRead(n);
    }
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      pos++;
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      pos += n;
      count(n);
    }
    return n;
  }

  @Override
  public int read(long position, byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, len), position);
    count(n);
    return n;
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position + buf.position() - off);
      if (n < 0) {
        throw new EOFException("Cannot read " + name + " at offset " + (position + buf.position() - off)
            + ": the file ends there, " + buf.remaining() + " bytes short of the " + len + " asked for");
      }
      count(n);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(n);
    pos += s;
    return s;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void seek(long to) throws IOException {
    if (to < 0) {
      throw new EOFException("Cannot seek " + name + " to offset " + to + ": negative offset");
    }
    channel.position(to);
    pos = to;
  }

  @Override
  public long getPos() {
    return pos;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
