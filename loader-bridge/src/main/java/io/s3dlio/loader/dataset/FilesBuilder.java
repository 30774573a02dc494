package io.s3dlio.loader.dataset;

import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The settings every file-based dataset builder shares: which files (a list, or the objects under
 * a prefix) and how a batch's neighbouring pieces are coalesced into requests.
 *
 * @param <B> the concrete builder
 */
public abstract class FilesBuilder<B extends FilesBuilder<B>> {
  /** A default gap under which neighbouring pieces are read in one request. */
  public static final long DEFAULT_COALESCE_GAP = 64 * 1024;
  /** A default upper bound of one coalesced request. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L << 20;

  final StoreRegistry stores;
  private List<ObjectUri> fileList;
  private ObjectUri prefix;
  long coalesceGap = DEFAULT_COALESCE_GAP;
  long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;

  FilesBuilder(StoreRegistry stores) {
    this.stores = Objects.requireNonNull(stores, "stores is null");
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** The files, in this order. */
  public B files(List<ObjectUri> uris) {
    this.fileList = List.copyOf(uris);
    return self();
  }

  /** The objects under {@code prefix} (recursively, in key order) whose names the dataset reads. */
  public B prefix(ObjectUri p) {
    this.prefix = Objects.requireNonNull(p, "prefix is null");
    return self();
  }

  /** Pieces at most this many bytes apart are read in one request (default 64 KiB). */
  public B coalesceGap(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("Cannot set coalesceGap to " + bytes);
    }
    this.coalesceGap = bytes;
    return self();
  }

  /** Longest coalesced request (default 16 MiB). */
  public B maxRequestBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("Cannot set maxRequestBytes to " + bytes);
    }
    this.maxRequestBytes = bytes;
    return self();
  }

  /** The files given (stat-ed), or those under the prefix whose names {@code names} accepts. */
  List<ObjectStat> objects(Predicate<String> names, String what) throws IOException {
    if (fileList != null) {
      return StoreObjects.stat(stores, fileList);
    }
    if (prefix != null) {
      return StoreObjects.list(stores, prefix, names);
    }
    throw new IllegalArgumentException("Cannot build " + what + ": give files() or prefix()");
  }
}
