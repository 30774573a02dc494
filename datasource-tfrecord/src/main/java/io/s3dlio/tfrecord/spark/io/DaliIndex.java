package io.s3dlio.tfrecord.spark.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A DALI TFRecord index: one line per record, {@code <offset> <size>\n} in ASCII decimal, where
 * size is the whole framed record (8 + 4 + payload + 4). A small local adapter; the codec's
 * index package owns the general tooling.
 */
public final class DaliIndex {
  private final long[] offsets;
  private final long[] sizes;

  public DaliIndex(long[] offsets, long[] sizes) {
    this.offsets = offsets;
    this.sizes = sizes;
  }

  public int size() {
    return offsets.length;
  }

  public long offset(int i) {
    return offsets[i];
  }

  public long recordSize(int i) {
    return sizes[i];
  }

  /** Parses an index; errors name the index and the line. */
  public static DaliIndex read(InputStream in, String indexName) throws IOException {
    byte[] all = in.readAllBytes();
    long[] off = new long[16];
    long[] sz = new long[16];
    int n = 0;
    int line = 0;
    int i = 0;
    while (i < all.length) {
      int eol = i;
      while (eol < all.length && all[eol] != '\n') {
        eol++;
      }
      line++;
      String s = new String(all, i, eol - i, StandardCharsets.US_ASCII).trim();
      i = eol + 1;
      if (s.isEmpty()) {
        continue;
      }
      String[] f = s.split("\\s+");
      try {
        if (f.length != 2) {
          throw new NumberFormatException();
        }
        if (n == off.length) {
          off = java.util.Arrays.copyOf(off, n * 2);
          sz = java.util.Arrays.copyOf(sz, n * 2);
        }
        off[n] = Long.parseLong(f[0]);
        sz[n] = Long.parseLong(f[1]);
        n++;
      } catch (NumberFormatException e) {
        throw new IOException("Cannot read index " + indexName + " line " + line + ": expected '<offset> <size>', got '"
            + s + "'");
      }
    }
    return new DaliIndex(java.util.Arrays.copyOf(off, n), java.util.Arrays.copyOf(sz, n));
  }

  /**
   * Checks the index describes a file of {@code fileLength} bytes: offsets start at 0, are
   * contiguous, and the sizes add up to the length.
   *
   * @return null when consistent, else what is wrong
   */
  public String inconsistency(long fileLength) {
    long expect = 0;
    for (int i = 0; i < offsets.length; i++) {
      if (offsets[i] != expect) {
        return "entry " + (i + 1) + " has offset " + offsets[i] + " but the previous records end at " + expect;
      }
      if (sizes[i] < 16) {
        return "entry " + (i + 1) + " has size " + sizes[i] + ", below the 16 bytes of framing";
      }
      expect += sizes[i];
    }
    if (expect != fileLength) {
      return "its records cover " + expect + " bytes but the file has " + fileLength;
    }
    return null;
  }

  /** The index text. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(offsets.length * 16);
    for (int i = 0; i < offsets.length; i++) {
      out.writeBytes((offsets[i] + " " + sizes[i] + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }
}
