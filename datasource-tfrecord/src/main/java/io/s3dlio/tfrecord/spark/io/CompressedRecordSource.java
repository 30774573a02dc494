package io.s3dlio.tfrecord.spark.io;

import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * A whole (possibly compressed) file read with the codec's {@link TfRecordReader}: one
 * partition per compressed file, since a compressed stream cannot be entered in the middle.
 */
public final class CompressedRecordSource implements RecordSource {
  private final TfRecordReader reader;
  private final CountingInputStream counting;
  private byte[] payload;

  public CompressedRecordSource(InputStream raw, String source, ReaderOptions options) throws IOException {
    this.counting = new CountingInputStream(raw);
    this.reader = TfRecordReader.open(counting, source, options);
  }

  @Override
  public boolean next() throws IOException {
    payload = reader.next();
    return payload != null;
  }

  @Override
  public byte[] payloadArray() {
    return payload;
  }

  @Override
  public int payloadOffset() {
    return 0;
  }

  @Override
  public int payloadLength() {
    return payload.length;
  }

  @Override
  public long recordOffset() {
    return reader.lastOffset();
  }

  @Override
  public long corruptRecords() {
    return reader.corruptRecords();
  }

  @Override
  public long bytesRead() {
    return counting.count;
  }

  @Override
  public boolean resynced() {
    return false;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** Counts the file bytes read. */
  static final class CountingInputStream extends java.io.FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
