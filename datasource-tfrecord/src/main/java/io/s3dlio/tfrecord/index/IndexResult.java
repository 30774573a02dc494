package io.s3dlio.tfrecord.index;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.tfrecord.codec.Compression;

/**
 * One index written.
 *
 * @param data the TFRecord file
 * @param index where its index went
 * @param records entries written
 * @param bytes bytes covered (the file length, or the decompressed length)
 * @param compression the file's compression
 */
public record IndexResult(ObjectUri data, ObjectUri index, long records, long bytes, Compression compression) {
}
