package io.s3dlio.tfrecord.index;

import io.s3dlio.tfrecord.codec.TfRecordFraming;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Scans a local file with positional reads: headers that lie in the current window are parsed
 * from it; otherwise the scanner seeks (preads at) the next header. The window is large while
 * records are small (one read covers many headers) and one page while records are large (the
 * payloads are never read).
 */
public final class ChannelHeaderScanner extends HeaderScanner {
  static final int LARGE_WINDOW = 256 * 1024;
  static final int SMALL_WINDOW = 4096;
  /** Records at least this big switch reads to the small window. */
  static final long LARGE_RECORD = 16 * 1024;

  private final FileChannel channel;

  public ChannelHeaderScanner(FileChannel channel, String source, boolean verifyLengthCrc) {
    super(source, verifyLengthCrc, false);
    this.channel = channel;
  }

  @Override
  public long scan(RecordSink sink) throws IOException {
    long size = channel.size();
    ByteBuffer buf = ByteBuffer.allocate(LARGE_WINDOW);
    byte[] a = buf.array();
    long winStart = 0;
    int winLen = 0;
    long lastFrame = 0;
    long pos = 0;
    while (pos < size) {
      if (pos + TfRecordFraming.HEADER_SIZE > size) {
        throw TfRecordFraming.truncatedHeader(source, pos, false, (int) (size - pos));
      }
      if (pos < winStart || pos + TfRecordFraming.HEADER_SIZE > winStart + winLen) {
        int want = (int) Math.min(lastFrame >= LARGE_RECORD ? SMALL_WINDOW : LARGE_WINDOW, size - pos);
        buf.clear().limit(want);
        while (buf.hasRemaining()) {
          if (channel.read(buf, pos + buf.position()) < 0) {
            break;
          }
        }
        winStart = pos;
        winLen = buf.position();
        if (winLen < TfRecordFraming.HEADER_SIZE) {
          // the file shrank while we read it
          throw TfRecordFraming.truncatedHeader(source, pos, false, winLen);
        }
      }
      long frame = frameSize(a, (int) (pos - winStart), pos);
      checkFits(pos, frame, size);
      sink.record(pos, frame);
      pos += frame;
      lastFrame = frame;
    }
    return pos;
  }
}
