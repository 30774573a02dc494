package io.s3dlio.tfrecord.spark.io;

import io.s3dlio.tfrecord.index.DaliIndexFormat;
import io.s3dlio.tfrecord.index.RecordSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A DALI TFRecord index: one line per record, {@code <offset> <size>\n} in ASCII decimal, where
 * size is the whole framed record (8 + 4 + payload + 4), held in memory for split planning; the
 * text format itself is {@link DaliIndexFormat}'s.
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

  /** Parses an index (the format of {@link DaliIndexFormat}); errors name the index and the line. */
  public static DaliIndex read(InputStream in, String indexName) throws IOException {
    long[][] cols = {new long[16], new long[16]};
    int[] n = {0};
    DaliIndexFormat.read(in, indexName, (offset, size) -> {
      if (n[0] == cols[0].length) {
        cols[0] = Arrays.copyOf(cols[0], n[0] * 2);
        cols[1] = Arrays.copyOf(cols[1], n[0] * 2);
      }
      cols[0][n[0]] = offset;
      cols[1][n[0]] = size;
      n[0]++;
    });
    return new DaliIndex(Arrays.copyOf(cols[0], n[0]), Arrays.copyOf(cols[1], n[0]));
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

  /** The index text, as DALI's {@code tfrecord2idx} writes it. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(offsets.length * 16);
    RecordSink w = DaliIndexFormat.writer(out);
    try {
      for (int i = 0; i < offsets.length; i++) {
        w.record(offsets[i], sizes[i]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }
}
