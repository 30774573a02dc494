package io.s3dlio.tfrecord.keys;

/** Progress of a key-index build, reported after each file and every {@value #EVERY_RECORDS} records. */
@FunctionalInterface
public interface BuildProgress {
  long EVERY_RECORDS = 100_000;

  BuildProgress NONE = (filesDone, files, records, bytes) -> { };

  /**
   * @param filesDone files finished
   * @param files files in all
   * @param records records read so far
   * @param bytes bytes read so far
   */
  void progress(int filesDone, int files, long records, long bytes);
}
