package io.s3dlio.tfrecord.index;

/**
 * Options of {@link DaliIndexer}.
 *
 * @param decompressed index the decompressed stream of a GZIP/ZLIB file instead of refusing it
 *     (DALI cannot read such a file through the index; the option is for tools that decompress
 *     first)
 * @param verifyLengthCrc check each header's length CRC (default true; DALI's tool does not)
 * @param scanMode how headers are reached
 * @param overwrite replace an existing index (default false: an existing index is an error)
 */
public record IndexOptions(boolean decompressed, boolean verifyLengthCrc, ScanMode scanMode, boolean overwrite) {
  public static final IndexOptions DEFAULT = new IndexOptions(false, true, ScanMode.AUTO, false);

  public IndexOptions withDecompressed(boolean v) {
    return new IndexOptions(v, verifyLengthCrc, scanMode, overwrite);
  }

  public IndexOptions withVerifyLengthCrc(boolean v) {
    return new IndexOptions(decompressed, v, scanMode, overwrite);
  }

  public IndexOptions withScanMode(ScanMode m) {
    return new IndexOptions(decompressed, verifyLengthCrc, m, overwrite);
  }

  public IndexOptions withOverwrite(boolean v) {
    return new IndexOptions(decompressed, verifyLengthCrc, scanMode, v);
  }
}
