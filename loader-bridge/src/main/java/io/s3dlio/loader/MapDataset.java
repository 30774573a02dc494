package io.s3dlio.loader;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A dataset of {@link #size()} samples addressed by index ({@code 0 .. size() - 1}), like
 * PyTorch's map-style {@code Dataset}. Implementations are thread-safe: the loader calls
 * {@link #getAll} from several workers at once.
 */
public interface MapDataset {

  /** Number of samples. */
  long size();

  /** One sample. */
  Sample get(long index) throws IOException;

  /**
   * The samples at {@code indices}, in that order. A sample that cannot be read is a
   * {@link SampleException} in {@code errors[i]} (naming its URI, offset and cause) and null in
   * the result; an exception thrown fails them all. Datasets override this to read neighbouring
   * samples with one request; the default calls {@link #get} for each.
   */
  default Sample[] getAll(long[] indices, SampleException[] errors, FetchContext ctx) {
    Sample[] out = new Sample[indices.length];
    for (int i = 0; i < indices.length; i++) {
      long t0 = System.nanoTime();
      try {
        out[i] = get(indices[i]);
        ctx.request(System.nanoTime() - t0, out[i].byteSize());
      } catch (IOException | RuntimeException e) {
        errors[i] = SampleException.of(indices[i], describe(indices[i]), 0, e);
      }
    }
    return out;
  }

  /**
   * Splits the fetch of {@code indices} into parts (groups of positions in {@code indices}) that
   * the loader fetches at once, each with its own {@link #getAll} call: typically one part per
   * storage request. Together the parts hold every position once. The default is one part.
   */
  default List<int[]> split(long[] indices) {
    int[] all = new int[indices.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return List.of(all);
  }

  /** {@link #get} through {@link #getAll}, for datasets whose batch read is the primary one. */
  static Sample getOne(MapDataset dataset, long index) throws IOException {
    SampleException[] errs = new SampleException[1];
    Sample s = dataset.getAll(new long[] {index}, errs, FetchContext.NONE)[0];
    if (errs[0] != null) {
      throw errs[0];
    }
    return s;
  }

  /** Where sample {@code index} lives, for messages (its object URI). */
  String describe(long index);

  /**
   * Bytes sample {@code index} will take in memory once read, or an estimate; the loader reserves
   * this much of its prefetch byte budget before fetching the sample.
   */
  long estimateBytes(long index);

  /** The fields of every sample; fields not listed are batched by what they hold. */
  Map<String, FieldSpec> schema();

  /**
   * Whether reading samples is CPU work rather than waiting on storage: every sample comes from
   * local files ({@code file://}), read from the page cache by copying (a mapping, or a read
   * call). When {@code numWorkers} is left unset, the loader then runs at most one fetch part per
   * core at once: more parts than cores only interleave on the same cores and hold more bytes in
   * flight. The default is false (remote storage, whose latency concurrency hides).
   */
  default boolean localReads() {
    return false;
  }

  /**
   * A short string that changes when the data changes (objects, sizes, etags, selected fields):
   * a saved loader state is only restored onto a dataset with the same fingerprint.
   */
  String fingerprint();
}
