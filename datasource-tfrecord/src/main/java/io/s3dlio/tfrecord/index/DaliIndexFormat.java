package io.s3dlio.tfrecord.index;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The text format of a DALI TFRecord index, as NVIDIA DALI's {@code tools/tfrecord2idx} writes
 * it: one line per record, {@code <offset> <size>\n}, ASCII decimal, one space, LF, where size is
 * the whole framed record (8 + 4 + payload + 4). An empty file indexes an empty TFRecord file.
 */
public final class DaliIndexFormat {
  /**
   * The folder, beside each TFRecord file, where this project writes its index
   * ({@code <folder>/_index/<file>.idx}): Hadoop and Spark listings skip {@code _}-prefixed names, so
   * other readers of the data folder never take an index for data. Readers look there first, then
   * beside the file ({@code <file>.idx}, where DALI's {@code tfrecord2idx} leaves it).
   */
  public static final String INDEX_FOLDER = "_index";

  private DaliIndexFormat() {
  }

  /** A sink writing index lines to {@code out} (buffer it). */
  public static RecordSink writer(OutputStream out) {
    byte[] line = new byte[48];
    return (offset, size) -> {
      int n = put(line, 0, offset);
      line[n++] = ' ';
      n = put(line, n, size);
      line[n++] = '\n';
      out.write(line, 0, n);
    };
  }

  private static int put(byte[] b, int at, long v) {
    String s = Long.toString(v);
    for (int i = 0; i < s.length(); i++) {
      b[at + i] = (byte) s.charAt(i);
    }
    return at + s.length();
  }

  /**
   * Parses an index, passing each entry to {@code sink}; memory stays bounded.
   *
   * @param source the index's name, used in errors
   * @return the number of entries
   * @throws IOException naming the index and the line when a line is not {@code <offset> <size>}
   */
  public static long read(InputStream raw, String source, RecordSink sink) throws IOException {
    return read(raw, source, (offset, size) -> {
      sink.record(offset, size);
      return true;
    });
  }

  /** Receives index entries until it returns false. */
  @FunctionalInterface
  public interface EntryVisitor {
    /** @return whether to read on */
    boolean entry(long offset, long size) throws IOException;
  }

  /**
   * Parses an index until {@code visitor} returns false or the index ends (reading no further
   * than needed).
   *
   * @return the number of entries visited
   */
  public static long read(InputStream raw, String source, EntryVisitor visitor) throws IOException {
    InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 64 * 1024);
    long lineNo = 0;
    StringBuilder sb = new StringBuilder();
    int c;
    boolean any = false;
    while (true) {
      c = in.read();
      if (c == '\n' || c < 0 && any) {
        lineNo++;
        if (!parseLine(sb.toString(), source, lineNo, visitor)) {
          break;
        }
        sb.setLength(0);
        any = false;
        if (c < 0) {
          break;
        }
      } else if (c < 0) {
        break;
      } else {
        sb.append((char) c);
        any = true;
        if (sb.length() > 64) {
          throw new IOException("Bad DALI index " + source + " line " + (lineNo + 1) + ": line longer than 64 characters");
        }
      }
    }
    return lineNo;
  }

  private static boolean parseLine(String line, String source, long lineNo, EntryVisitor visitor)
      throws IOException {
    int sp = line.indexOf(' ');
    try {
      if (sp <= 0 || line.indexOf(' ', sp + 1) >= 0) {
        throw new NumberFormatException("expected '<offset> <size>'");
      }
      long offset = Long.parseLong(line.substring(0, sp));
      long size = Long.parseLong(line.substring(sp + 1));
      if (offset < 0 || size < 16) {
        throw new NumberFormatException("offset must be >= 0 and size >= 16");
      }
      return visitor.entry(offset, size);
    } catch (NumberFormatException e) {
      throw new IOException("Bad DALI index " + source + " line " + lineNo + ": '" + line + "': " + e.getMessage(), e);
    }
  }
}
