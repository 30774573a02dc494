package io.s3dlio.tfrecord.codec;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * Reads the records of one TFRecord stream, one payload at a time, checking both CRCs (unless
 * switched off). Errors are {@link TfRecordFormatException}s that name the file, the byte offset
 * of the record and the cause. Not thread-safe.
 */
public final class TfRecordReader implements Closeable {
  private final InputStream in;
  private final String source;
  private final ReaderOptions options;
  private final Compression compression;
  private final byte[] header = new byte[TfRecordFraming.HEADER_SIZE];
  private final byte[] footer = new byte[TfRecordFraming.FOOTER_SIZE];

  /** Offset of the next record. */
  private long position;
  /** Offset of the record {@link #next()} returned last. */
  private long lastOffset = -1;
  private long records;
  private long corrupt;
  private String lastCorruption;
  private boolean done;

  private TfRecordReader(InputStream in, String source, ReaderOptions options, Compression compression) {
    this.in = in;
    this.source = source;
    this.options = options;
    this.compression = compression;
  }

  /**
   * A reader of the (possibly compressed) file bytes {@code raw}. The compression is taken from
   * the options or detected from the first bytes. The reader owns {@code raw} and closes it.
   *
   * @param source the file's URI or path, named in every error
   */
  public static TfRecordReader open(InputStream raw, String source, ReaderOptions options) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 64 * 1024);
    Compression c = options.compression();
    if (c == null) {
      buffered.mark(Compression.DETECT_BYTES);
      byte[] head = buffered.readNBytes(Compression.DETECT_BYTES);
      buffered.reset();
      c = Compression.detect(head, head.length);
    }
    InputStream in = buffered;
    if (c != Compression.NONE) {
      try {
        in = new BufferedInputStream(c.decompress(buffered), 64 * 1024);
      } catch (ZipException | EOFException e) {
        buffered.close();
        throw new TfRecordFormatException(source, 0, false, TfRecordFormatException.Problem.BAD_COMPRESSION,
            "damaged " + c + " header: " + e.getMessage(), e);
      }
    }
    return new TfRecordReader(in, source, options, c);
  }

  /** The compression the file was read with. */
  public Compression compression() {
    return compression;
  }

  /**
   * The payload of the next record, or null at the end of the file.
   *
   * @throws TfRecordFormatException when the record is corrupt (unless skipping) or truncated
   */
  public byte[] next() throws IOException {
    while (!done) {
      long offset = position;
      boolean decompressed = compression != Compression.NONE;
      int n = readFully(header, 0, header.length, offset);
      if (n == 0) {
        done = true;
        return null;
      }
      try {
        if (n < header.length) {
          throw TfRecordFraming.truncatedHeader(source, offset, decompressed, n);
        }
        long length = TfRecordFraming.checkHeader(header, 0, source, offset, decompressed, options.verifyCrc());
        byte[] payload = new byte[(int) length];
        int got = readFully(payload, 0, payload.length, offset);
        int gotFooter = got < payload.length ? 0 : readFully(footer, 0, footer.length, offset);
        if (got < payload.length || gotFooter < footer.length) {
          long missing = (length - got) + (footer.length - gotFooter);
          throw TfRecordFraming.truncatedPayload(source, offset, decompressed, length, missing);
        }
        position = offset + TfRecordFraming.frameSize(length);
        if (options.verifyCrc()) {
          int stored = TfRecordFraming.readIntLe(footer, 0);
          int computed = MaskedCrc32c.of(payload, 0, payload.length);
          if (stored != computed) {
            TfRecordFormatException e = new TfRecordFormatException(source, offset, decompressed,
                TfRecordFormatException.Problem.BAD_DATA_CRC, "data CRC mismatch (stored " + TfRecordFraming.hex(stored)
                    + ", computed " + TfRecordFraming.hex(computed) + " over " + length + " payload bytes)");
            if (!options.skipCorrupt()) {
              throw e;
            }
            corrupt++;
            lastCorruption = e.getMessage();
            continue;
          }
        }
        lastOffset = offset;
        records++;
        return payload;
      } catch (TfRecordFormatException e) {
        if (!options.skipCorrupt()) {
          throw e;
        }
        // The length cannot be trusted (or the data ends): nothing after this can be framed.
        corrupt++;
        lastCorruption = e.getMessage();
        done = true;
        return null;
      }
    }
    return null;
  }

  /** Reads up to len bytes; fewer only at the end of the stream. Damaged compression becomes a format error. */
  private int readFully(byte[] b, int off, int len, long recordOffset) throws IOException {
    try {
      return in.readNBytes(b, off, len);
    } catch (ZipException | EOFException e) {
      throw new TfRecordFormatException(source, recordOffset, compression != Compression.NONE,
          TfRecordFormatException.Problem.BAD_COMPRESSION, "damaged " + compression + " stream: " + e.getMessage(), e);
    }
  }

  /** Byte offset (in the decompressed stream for compressed files) of the record returned last, or -1. */
  public long lastOffset() {
    return lastOffset;
  }

  /** Offset just after the last record read: for a file read to its end, its (decompressed) length. */
  public long position() {
    return position;
  }

  /** Records returned so far. */
  public long records() {
    return records;
  }

  /** Corrupt records skipped (only when skipping). */
  public long corruptRecords() {
    return corrupt;
  }

  /** The message of the last corruption skipped, or null. */
  public String lastCorruption() {
    return lastCorruption;
  }

  public String source() {
    return source;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
