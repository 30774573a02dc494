package io.s3dlio.tfrecord.codec;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes framed records (uint64 length, masked CRC32C of it, payload, masked CRC32C of the
 * payload), optionally GZIP- or ZLIB-compressed. Closing finishes the compressed stream and
 * closes the target. Not thread-safe.
 */
public final class TfRecordWriter implements Closeable {
  private final OutputStream out;
  private final byte[] header = new byte[TfRecordFraming.HEADER_SIZE];
  private final byte[] footer = new byte[TfRecordFraming.FOOTER_SIZE];
  private long records;
  private long bytes;

  public TfRecordWriter(OutputStream target, Compression compression) throws IOException {
    this.out = new BufferedOutputStream(compression.compress(target), 64 * 1024);
  }

  public void write(byte[] payload) throws IOException {
    write(payload, 0, payload.length);
  }

  public void write(byte[] payload, int off, int len) throws IOException {
    TfRecordFraming.writeHeader(header, 0, len);
    TfRecordFraming.writeIntLe(footer, 0, MaskedCrc32c.of(payload, off, len));
    out.write(header);
    out.write(payload, off, len);
    out.write(footer);
    records++;
    bytes += TfRecordFraming.frameSize(len);
  }

  /** Records written. */
  public long records() {
    return records;
  }

  /** Uncompressed framed bytes written. */
  public long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
