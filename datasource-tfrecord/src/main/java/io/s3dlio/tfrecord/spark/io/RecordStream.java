package io.s3dlio.tfrecord.spark.io;

import io.s3dlio.tfrecord.codec.MaskedCrc32c;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.Seekable;

/**
 * The records of an uncompressed TFRecord file whose first byte lies in {@code [start, end)}:
 * the Hadoop rule, so that splits cut at arbitrary byte offsets read every record exactly once.
 *
 * <p><b>Resynchronisation.</b> A split that does not start at a known record boundary (no index)
 * scans forward from {@code start} for the first position {@code p < end} where (1) the 8-byte
 * length and its masked CRC32C agree, (2) the length fits in the file, (3) the payload's masked
 * CRC32C agrees, and (4) the next header also validates (or {@code p} plus the frame is the end
 * of the file). On data that is not a record boundary each CRC check is passed by chance with
 * probability 2^-32 (CRC32C of different bytes is uniformly distributed for such data), so a
 * false boundary needs conditions (1), (3) and (4) together: at most 2^-96 per scanned position,
 * and a scan covers at most one record's length. The bound does not hold for adversarial data,
 * such as a payload that itself embeds a whole TFRecord file: such a file must be read with an
 * index or splitWithoutIndex=false.
 *
 * <p>Corruption, when skipping: a bad payload CRC skips that record (its length is trusted, its
 * CRC passed); a bad length CRC resynchronises from the next byte; a truncated record ends the
 * split. Each counts as one corrupt record. Not thread-safe.
 */
public final class RecordStream implements RecordSource {
  private static final int MIN_BUFFER = 256 * 1024;

  private final InputStream in;
  private final String source;
  private final long fileLength;
  private final long end;
  private final boolean verify;
  private final boolean skipCorrupt;
  private final boolean skipPayloads;
  private final CRC32C crc = new CRC32C();

  /** The window of file bytes: buf[lo..hi) holds file bytes from position bufPos + lo. */
  private byte[] buf;
  private int lo;
  private int hi;
  private long bufPos;
  /** File position of the stream (next byte it returns). */
  private long streamPos;
  private boolean eof;
  /** Bytes read from the stream. */
  private long fetched;

  private long recordOffset = -1;
  private int payloadOff;
  private int payloadLen;
  private long corrupt;
  private boolean resynced;
  private boolean done;

  /**
   * @param in the file, positioned at {@code start}; closed with this
   * @param start first byte of the split
   * @param end records starting at or after this belong to the next split
   * @param atBoundary whether {@code start} is known to be a record boundary (0, or from an index)
   * @param skipPayloads do not read payloads (only when {@code verify} is false: counting)
   */
  public RecordStream(InputStream in, String source, long fileLength, long start, long end, boolean atBoundary,
      boolean verify, boolean skipCorrupt, boolean skipPayloads) throws IOException {
    this(in, source, fileLength, start, end, atBoundary, verify, skipCorrupt, skipPayloads, null, 0);
  }

  /**
   * As above, with the first {@code prefixLength} bytes of the split already read from {@code in}
   * (for example to detect the compression): they are used, not read again.
   */
  public RecordStream(InputStream in, String source, long fileLength, long start, long end, boolean atBoundary,
      boolean verify, boolean skipCorrupt, boolean skipPayloads, byte[] prefix, int prefixLength) throws IOException {
    this.in = in;
    this.source = source;
    this.fileLength = fileLength;
    this.end = Math.min(end, fileLength);
    this.verify = verify;
    this.skipCorrupt = skipCorrupt;
    this.skipPayloads = skipPayloads && !verify;
    this.buf = new byte[(int) Math.max(4096, Math.min(MIN_BUFFER, fileLength - start + 64))];
    this.bufPos = start;
    this.streamPos = start;
    if (prefixLength > 0) {
      System.arraycopy(prefix, 0, buf, 0, prefixLength);
      hi = prefixLength;
      streamPos += prefixLength;
      fetched += prefixLength;
    }
    if (!atBoundary && start > 0) {
      resynced = true;
      if (!resync()) {
        done = true;
      }
    }
  }

  private long pos() {
    return bufPos + lo;
  }

  /** Makes n bytes available from lo (fewer only at the end of the file); returns how many are. */
  private int ensure(int n) throws IOException {
    if (hi - lo >= n) {
      return n;
    }
    if (n > buf.length - lo) {
      if (n > buf.length) {
        byte[] nb = new byte[(int) Math.max(n, Math.min(Integer.MAX_VALUE - 16, buf.length * 2L))];
        System.arraycopy(buf, lo, nb, 0, hi - lo);
        buf = nb;
      } else {
        System.arraycopy(buf, lo, buf, 0, hi - lo);
      }
      bufPos += lo;
      hi -= lo;
      lo = 0;
    }
    while (hi - lo < n && !eof) {
      int r = in.read(buf, hi, buf.length - hi);
      if (r < 0) {
        eof = true;
      } else {
        hi += r;
        streamPos += r;
        fetched += r;
      }
    }
    return Math.min(n, hi - lo);
  }

  /** Advances by n bytes, seeking past what is not buffered. */
  private void skip(long n) throws IOException {
    if (n <= hi - lo) {
      lo += (int) n;
      return;
    }
    long target = pos() + n;
    lo = 0;
    hi = 0;
    bufPos = target;
    if (in instanceof Seekable) {
      ((Seekable) in).seek(target);
    } else {
      in.skipNBytes(target - streamPos);
    }
    streamPos = target;
  }

  private boolean headerValid(int at) {
    crc.reset();
    crc.update(buf, at, 8);
    return MaskedCrc32c.mask((int) crc.getValue()) == TfRecordFraming.readIntLe(buf, at + 8);
  }

  /** Whether a whole, valid record (and a valid next header, or the end of file) starts at lo. */
  private boolean validRecordHere() throws IOException {
    if (ensure(TfRecordFraming.HEADER_SIZE) < TfRecordFraming.HEADER_SIZE || !headerValid(lo)) {
      return false;
    }
    long len = TfRecordFraming.length(buf, lo);
    long p = pos();
    if (len < 0 || len > TfRecordFraming.MAX_PAYLOAD || p + TfRecordFraming.frameSize(len) > fileLength) {
      return false;
    }
    int frame = (int) TfRecordFraming.frameSize(len);
    long next = p + frame;
    int want = next + TfRecordFraming.HEADER_SIZE <= fileLength ? frame + TfRecordFraming.HEADER_SIZE : frame;
    if (ensure(want) < want) {
      return false;
    }
    int payloadCrc = MaskedCrc32c.of(buf, lo + TfRecordFraming.HEADER_SIZE, (int) len);
    if (payloadCrc != TfRecordFraming.readIntLe(buf, lo + TfRecordFraming.HEADER_SIZE + (int) len)) {
      return false;
    }
    return want == frame || headerValid(lo + frame);
  }

  /** Scans forward from the current position for the first record boundary before end. */
  private boolean resync() throws IOException {
    while (pos() < end) {
      if (validRecordHere()) {
        return true;
      }
      if (ensure(1) < 1) {
        return false;
      }
      lo++;
    }
    return false;
  }

  @Override
  public boolean next() throws IOException {
    while (!done) {
      long p = pos();
      if (p >= end) {
        done = true;
        return false;
      }
      int have = ensure(TfRecordFraming.HEADER_SIZE);
      if (have == 0) {
        done = true;
        return false;
      }
      long len;
      try {
        if (have < TfRecordFraming.HEADER_SIZE) {
          throw TfRecordFraming.truncatedHeader(source, p, false, have);
        }
        len = TfRecordFraming.checkHeader(buf, lo, source, p, false, verify);
        if (p + TfRecordFraming.frameSize(len) > fileLength) {
          throw TfRecordFraming.truncatedPayload(source, p, false, len,
              p + TfRecordFraming.frameSize(len) - fileLength);
        }
      } catch (TfRecordFormatException e) {
        if (!skipCorrupt) {
          throw e;
        }
        corrupt++;
        if (e.problem() == TfRecordFormatException.Problem.TRUNCATED_HEADER
            || e.problem() == TfRecordFormatException.Problem.TRUNCATED_PAYLOAD && verify) {
          done = true;
          return false;
        }
        lo++;
        if (!resync()) {
          done = true;
          return false;
        }
        continue;
      }
      int frame = (int) TfRecordFraming.frameSize(len);
      recordOffset = p;
      payloadLen = (int) len;
      if (skipPayloads) {
        skip(frame);
        return true;
      }
      ensure(frame);
      payloadOff = lo + TfRecordFraming.HEADER_SIZE;
      if (verify) {
        int stored = TfRecordFraming.readIntLe(buf, payloadOff + payloadLen);
        int computed = MaskedCrc32c.of(buf, payloadOff, payloadLen);
        if (stored != computed) {
          TfRecordFormatException e = new TfRecordFormatException(source, p, false,
              TfRecordFormatException.Problem.BAD_DATA_CRC, String.format(
                  "data CRC mismatch (stored 0x%08x, computed 0x%08x over %d payload bytes)", stored, computed, len));
          if (!skipCorrupt) {
            throw e;
          }
          corrupt++;
          lo += frame;
          continue;
        }
      }
      lo += frame;
      return true;
    }
    return false;
  }

  @Override
  public byte[] payloadArray() {
    return skipPayloads ? null : buf;
  }

  @Override
  public int payloadOffset() {
    return payloadOff;
  }

  @Override
  public int payloadLength() {
    return payloadLen;
  }

  @Override
  public long recordOffset() {
    return recordOffset;
  }

  @Override
  public long corruptRecords() {
    return corrupt;
  }

  @Override
  public long bytesRead() {
    return fetched;
  }

  @Override
  public boolean resynced() {
    return resynced;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
