package io.s3dlio.tfrecord.index;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import java.io.IOException;

/**
 * Scans an object with one ranged GET of 12 bytes per record: no payload byte crosses the
 * network, but each record costs a request. Pays off only for very large records on a store
 * with low request latency; see docs/tfrecord.md for measurements.
 */
public final class RangedHeaderScanner extends HeaderScanner {
  private final ObjectStore store;
  private final ObjectUri uri;
  private final long size;

  public RangedHeaderScanner(ObjectStore store, ObjectUri uri, long size, boolean verifyLengthCrc) {
    super(uri.toString(), verifyLengthCrc, false);
    this.store = store;
    this.uri = uri;
    this.size = size;
  }

  @Override
  public long scan(RecordSink sink) throws IOException {
    long pos = 0;
    while (pos < size) {
      if (pos + TfRecordFraming.HEADER_SIZE > size) {
        throw TfRecordFraming.truncatedHeader(source, pos, false, (int) (size - pos));
      }
      byte[] h = store.getRange(uri, pos, TfRecordFraming.HEADER_SIZE);
      if (h.length < TfRecordFraming.HEADER_SIZE) {
        throw TfRecordFraming.truncatedHeader(source, pos, false, h.length);
      }
      long frame = frameSize(h, 0, pos);
      checkFits(pos, frame, size);
      sink.record(pos, frame);
      pos += frame;
    }
    return pos;
  }
}
