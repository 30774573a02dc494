package io.s3dlio.loader;

import java.util.ArrayList;
import java.util.List;

/** Collecting what loaders deliver, for comparisons. */
final class Streams {
  private Streams() {
  }

  /** One delivered row: epoch, dataset index, and the "x" values (or -1). */
  record Row(long epoch, long index, long x1) {
  }

  /** The rows of up to {@code maxBatches} batches, opening iterators (crossing epochs) as needed. */
  static List<List<Row>> take(DataLoader loader, int maxBatches, int maxEpoch) {
    List<List<Row>> out = new ArrayList<>();
    while (out.size() < maxBatches && loader.epoch() < maxEpoch) {
      try (BatchIterator it = loader.iterator()) {
        while (out.size() < maxBatches && it.hasNext()) {
          out.add(rows(it.next()));
        }
      }
    }
    return out;
  }

  static List<Row> rows(Batch b) {
    List<Row> r = new ArrayList<>();
    long[] x = b.fields().contains("x") ? b.tensor("x").longs() : null;
    for (int i = 0; i < b.size(); i++) {
      r.add(new Row(b.epoch(), b.indices()[i], x == null ? -1 : x[2 * i + 1]));
    }
    return r;
  }
}
