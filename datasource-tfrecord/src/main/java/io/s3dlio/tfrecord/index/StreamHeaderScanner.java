package io.s3dlio.tfrecord.index;

import io.s3dlio.tfrecord.codec.TfRecordFraming;
import java.io.IOException;
import java.io.InputStream;

/**
 * Scans a stream front to back through one fixed buffer: headers are parsed, payloads skipped
 * (a seek where the stream supports it, otherwise read and dropped). Used for object stores,
 * where one streaming GET beats a ranged GET per record, and for decompressed streams.
 */
public final class StreamHeaderScanner extends HeaderScanner {
  static final int BUFFER = 256 * 1024;

  private final InputStream in;
  private final long expectedSize;

  /**
   * @param expectedSize the stream's length when known (a truncated last record is then named
   *     before reading it), or -1
   * @param decompressed whether offsets count decompressed bytes (said in errors)
   */
  public StreamHeaderScanner(InputStream in, String source, boolean verifyLengthCrc, long expectedSize,
      boolean decompressed) {
    super(source, verifyLengthCrc, decompressed);
    this.in = in;
    this.expectedSize = expectedSize;
  }

  @Override
  public long scan(RecordSink sink) throws IOException {
    byte[] buf = new byte[BUFFER];
    int start = 0;
    int end = 0;
    long pos = 0;
    while (true) {
      if (end - start < TfRecordFraming.HEADER_SIZE) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
        int n;
        while (end < TfRecordFraming.HEADER_SIZE && (n = in.read(buf, end, buf.length - end)) > 0) {
          end += n;
        }
        if (end == 0) {
          return pos;
        }
        if (end < TfRecordFraming.HEADER_SIZE) {
          throw TfRecordFraming.truncatedHeader(source, pos, decompressed, end);
        }
      }
      long frame = frameSize(buf, start, pos);
      if (expectedSize >= 0) {
        checkFits(pos, frame, expectedSize);
      }
      long toSkip = frame;
      int inBuf = (int) Math.min(toSkip, end - start);
      start += inBuf;
      toSkip -= inBuf;
      if (toSkip > 0) {
        long skipped = skip(toSkip, buf);
        if (skipped < toSkip) {
          throw TfRecordFraming.truncatedPayload(source, pos, decompressed, frame - TfRecordFraming.OVERHEAD,
              toSkip - skipped);
        }
        start = 0;
        end = 0;
      }
      sink.record(pos, frame);
      pos += frame;
    }
  }

  /** Skips n bytes; fewer only at the end of the stream. */
  private long skip(long n, byte[] scratch) throws IOException {
    long done = 0;
    while (done < n) {
      long s = in.skip(n - done);
      if (s > 0) {
        done += s;
        continue;
      }
      int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }
}
