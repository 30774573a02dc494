package io.s3dlio.loader.dataset;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/** Finding a dataset's objects: a listing under a prefix, or a stat of each URI given. */
final class StoreObjects {
  private StoreObjects() {
  }

  /**
   * Whether a listed name is a TFRecord data file: not an index ({@code <file><indexSuffix>}) and
   * not hidden by Hadoop's rule ({@code _} or {@code .} first: Spark's {@code _SUCCESS}, checksum
   * files), as Spark's own listing of the same folder would decide.
   */
  static boolean isTfRecordData(String name, String indexSuffix) {
    return !name.endsWith(indexSuffix) && !name.startsWith("_") && !name.startsWith(".");
  }

  /** Every object under {@code prefix} whose name {@code accept}s, in key order. */
  static List<ObjectStat> list(StoreRegistry stores, ObjectUri prefix, Predicate<String> accept) throws IOException {
    ObjectStore store = stores.storeFor(prefix);
    List<ObjectStat> out = new ArrayList<>();
    try {
      Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive());
      while (it.hasNext()) {
        ObjectEntry e = it.next();
        if (!e.isPrefix() && accept.test(e.uri().name())) {
          out.add(e.stat());
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }

  /** The stat of each URI, in the given order. */
  static List<ObjectStat> stat(StoreRegistry stores, List<ObjectUri> uris) throws IOException {
    List<ObjectStat> out = new ArrayList<>(uris.size());
    for (ObjectUri u : uris) {
      out.add(stores.storeFor(u).stat(u));
    }
    return out;
  }
}
