package io.s3dlio.tfrecord.index;

import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import java.io.IOException;

/**
 * Walks the framing of one TFRecord stream reading only the 12-byte headers (length and its
 * CRC) and passing over the payloads, in memory bounded by a fixed buffer whatever the file
 * size. A record that runs past the end of the file is an error naming its offset (DALI's own
 * tool silently indexes it with a short size).
 */
public abstract class HeaderScanner {
  protected final String source;
  protected final boolean verifyLengthCrc;
  protected final boolean decompressed;

  protected HeaderScanner(String source, boolean verifyLengthCrc, boolean decompressed) {
    this.source = source;
    this.verifyLengthCrc = verifyLengthCrc;
    this.decompressed = decompressed;
  }

  /** Passes every record to {@code sink} in file order and returns the bytes covered (the file length). */
  public abstract long scan(RecordSink sink) throws IOException;

  /** Checks the header at {@code off} of {@code b} for the record at {@code offset}; returns the framed size. */
  protected final long frameSize(byte[] b, int off, long offset) throws TfRecordFormatException {
    return TfRecordFraming.frameSize(TfRecordFraming.checkHeader(b, off, source, offset, decompressed, verifyLengthCrc));
  }

  /** Checks a record against a known file size. */
  protected final void checkFits(long offset, long frame, long fileSize) throws TfRecordFormatException {
    if (offset + frame > fileSize) {
      throw TfRecordFraming.truncatedPayload(source, offset, decompressed, frame - TfRecordFraming.OVERHEAD,
          offset + frame - fileSize);
    }
  }
}
