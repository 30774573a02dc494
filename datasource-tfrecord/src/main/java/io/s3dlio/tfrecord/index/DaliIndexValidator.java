package io.s3dlio.tfrecord.index;

import java.io.IOException;

/**
 * Checks index entries, one at a time, against the length of their TFRecord file: the first
 * record starts at 0, each next one where the previous ended, none runs past the end of the
 * file, and the sizes add up to the file length. Memory is constant.
 */
public final class DaliIndexValidator implements RecordSink {
  private final String index;
  private final String data;
  private final long fileSize;
  private long next;
  private long entries;

  public DaliIndexValidator(String index, String data, long fileSize) {
    this.index = index;
    this.data = data;
    this.fileSize = fileSize;
  }

  @Override
  public void record(long offset, long size) throws IOException {
    entries++;
    if (offset != next) {
      throw stale("entry " + entries + " starts at byte " + offset + " but the previous record ends at byte " + next);
    }
    if (offset + size > fileSize) {
      throw stale("entry " + entries + " (record at byte " + offset + ", " + size
          + " bytes) runs past the end of the file (" + fileSize + " bytes) by " + (offset + size - fileSize) + " bytes");
    }
    next = offset + size;
  }

  /** Call after the last entry. */
  public void finish() throws IOException {
    if (next != fileSize) {
      throw stale("the " + entries + " records add up to " + next + " bytes but the file has " + fileSize + " bytes");
    }
  }

  public long entries() {
    return entries;
  }

  private StaleIndexException stale(String why) {
    return new StaleIndexException("Stale DALI index " + index + " for " + data + ": " + why);
  }
}
