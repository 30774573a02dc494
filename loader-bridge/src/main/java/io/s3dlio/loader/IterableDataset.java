package io.s3dlio.loader;

import java.io.IOException;
import java.util.Map;

/**
 * A dataset read as a stream, like PyTorch's {@code IterableDataset} or a {@code tf.data} file
 * pipeline: its size need not be known, and samples come in a fixed order. The loader shards it
 * across ranks by sample number, shuffles it with a buffer, and resumes it by reading the stream
 * again from the start of the epoch and dropping what was already delivered.
 */
public interface IterableDataset {

  /** A new stream from the first sample. */
  SampleStream open(FetchContext ctx) throws IOException;

  /** The fields of every sample; fields not listed are batched by what they hold. */
  Map<String, FieldSpec> schema();

  /** See {@link MapDataset#fingerprint()}. */
  String fingerprint();

  /** A stream of samples. */
  interface SampleStream extends AutoCloseable {
    /**
     * The next sample, or null at the end. A bad sample throws {@link SampleException}; the
     * stream goes on after it where its format allows (the next record or object), otherwise it
     * ends.
     */
    Sample next() throws IOException;

    @Override
    void close() throws IOException;
  }
}
