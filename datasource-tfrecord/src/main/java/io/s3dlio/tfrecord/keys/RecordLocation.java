package io.s3dlio.tfrecord.keys;

/**
 * Where one keyed record lies.
 *
 * @param file index into the key index's file list
 * @param offset byte offset of the record's header
 * @param length payload length (the framed record is 16 bytes longer)
 */
public record RecordLocation(int file, long offset, int length) {
}
