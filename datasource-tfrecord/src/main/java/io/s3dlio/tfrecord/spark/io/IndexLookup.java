package io.s3dlio.tfrecord.spark.io;

import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.index.DaliIndexFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finds the DALI index of a TFRecord file and, in it, the first record that starts at or after a
 * byte offset: how a split's byte range maps to whole records. Indexes are looked for, in order,
 * in the {@code indexLocation} folder (when given), in the {@code _index} folder beside the file
 * (where this source writes them) and beside the file itself ({@code <file><suffix>}, as DALI's
 * {@code tfrecord2idx} leaves them). The index is read only as far as the offset asked for.
 */
public final class IndexLookup {
  private IndexLookup() {
  }

  /**
   * What an index says about a split.
   *
   * @param index the index file used
   * @param offset the first record starting at or after the offset asked for; the file's length
   *     when no record does
   */
  public record Boundary(Path index, long offset) {
  }

  /** An index that does not describe its data file; the message names both and what is wrong. */
  public static final class MismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    MismatchException(String message) {
      super(message);
    }
  }

  /** Where this source writes the index of a data file: {@code <folder>/_index/<name><suffix>}. */
  public static Path writtenIndex(Path data, String suffix) {
    return new Path(new Path(data.getParent(), DaliIndexFormat.INDEX_FOLDER), data.getName() + suffix);
  }

  /** Where the index of a data file may be, in the order looked at. */
  public static List<Path> candidates(Path data, String indexLocation, String suffix) {
    List<Path> out = new ArrayList<>(3);
    String name = data.getName() + suffix;
    if (indexLocation != null) {
      out.add(new Path(new Path(indexLocation), name));
    }
    out.add(writtenIndex(data, suffix));
    out.add(new Path(data.getParent(), name));
    return out;
  }

  /**
   * Finds the first record of {@code data} starting at or after {@code start}.
   *
   * @return null when none of the candidates exists
   * @throws MismatchException when the index found disagrees with the file (entries not contiguous
   *     from 0, past the file's end, ending before it, or no record header at the boundary)
   */
  public static Boundary find(Configuration conf, Path data, long fileLength, long start, String indexLocation,
      String suffix) throws IOException {
    for (Path candidate : candidates(data, indexLocation, suffix)) {
      FileSystem fs = candidate.getFileSystem(conf);
      InputStream in;
      try {
        in = fs.open(candidate);
      } catch (FileNotFoundException e) {
        continue;
      }
      long offset;
      try (InputStream index = in) {
        offset = scan(index, candidate, data, fileLength, start);
      }
      if (offset < fileLength) {
        checkHeader(data.getFileSystem(conf), data, fileLength, offset, candidate);
      }
      return new Boundary(candidate, offset);
    }
    return null;
  }

  private static long scan(InputStream in, Path index, Path data, long fileLength, long start) throws IOException {
    long[] state = {0, -1, 0}; // next expected offset, boundary, entries
    String[] problem = {null};
    DaliIndexFormat.read(in, index.toString(), (offset, size) -> {
      state[2]++;
      if (offset != state[0]) {
        problem[0] = "entry " + state[2] + " has offset " + offset + " but the previous records end at " + state[0];
        return false;
      }
      if (offset >= start) {
        state[1] = offset;
        return false;
      }
      state[0] += size;
      return true;
    });
    if (problem[0] == null && state[1] < 0 && state[0] != fileLength) {
      problem[0] = "its records cover " + state[0] + " bytes but the file has " + fileLength;
    }
    if (problem[0] == null && state[1] > fileLength) {
      problem[0] = "entry " + state[2] + " has offset " + state[1] + ", past the end of the file (" + fileLength
          + " bytes)";
    }
    if (problem[0] != null) {
      throw new MismatchException("Cannot use index " + index + " for " + data + ": " + problem[0]);
    }
    return state[1] < 0 ? fileLength : state[1];
  }

  /** A stale index would point into the middle of a record: the length CRC there must hold. */
  private static void checkHeader(FileSystem fs, Path data, long fileLength, long offset, Path index)
      throws IOException {
    byte[] header = new byte[TfRecordFraming.HEADER_SIZE];
    int n = (int) Math.min(header.length, fileLength - offset);
    try (FSDataInputStream in = HadoopFiles.open(fs, data, fileLength, offset, offset + n, "random")) {
      in.readFully(offset, header, 0, n);
    }
    if (n < header.length || !TfRecordFraming.isValidHeader(header, 0)) {
      throw new MismatchException("Cannot use index " + index + " for " + data + ": no record header at byte "
          + offset + " (the index is stale or belongs to another file)");
    }
  }
}
