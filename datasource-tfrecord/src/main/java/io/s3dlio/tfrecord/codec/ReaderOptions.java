package io.s3dlio.tfrecord.codec;

/**
 * How a {@link TfRecordReader} reads.
 *
 * @param verifyCrc check both CRCs of every record (default true)
 * @param skipCorrupt instead of failing, count and skip records whose payload CRC is wrong; a bad
 *     length CRC or a truncated record also counts as corrupt but ends the file, because nothing
 *     after it can be framed reliably (default false)
 * @param compression the file's compression, or null to detect it from the first bytes (default)
 */
public record ReaderOptions(boolean verifyCrc, boolean skipCorrupt, Compression compression) {
  public static final ReaderOptions DEFAULT = new ReaderOptions(true, false, null);

  public ReaderOptions withVerifyCrc(boolean v) {
    return new ReaderOptions(v, skipCorrupt, compression);
  }

  public ReaderOptions withSkipCorrupt(boolean v) {
    return new ReaderOptions(verifyCrc, v, compression);
  }

  public ReaderOptions withCompression(Compression c) {
    return new ReaderOptions(verifyCrc, skipCorrupt, c);
  }
}
