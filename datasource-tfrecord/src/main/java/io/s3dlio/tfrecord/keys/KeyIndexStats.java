package io.s3dlio.tfrecord.keys;

import java.util.List;

/**
 * What a key index covers.
 *
 * @param feature the key feature
 * @param type its type
 * @param keys distinct keys indexed
 * @param files the files, each with its records and duplicates
 */
public record KeyIndexStats(String feature, KeyType type, long keys, List<SourceFile> files) {

  public long records() {
    return files.stream().mapToLong(SourceFile::records).sum();
  }

  public long duplicates() {
    return files.stream().mapToLong(SourceFile::duplicates).sum();
  }
}
