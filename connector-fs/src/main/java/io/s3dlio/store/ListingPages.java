package io.s3dlio.store;

/**
 * Implemented by the listing iterators of the backends, so that each page request can be timed
 * from outside (see {@link io.s3dlio.store.metrics.MeteredObjectStore}): a page is one
 * ListObjectsV2 / List Blobs request, or one directory read on local disk.
 */
public interface ListingPages {

  /** The page count of this listing. */
  Count pageCount();

  /** Pages fetched so far and the entries of the last one; used by the listing's own thread. */
  final class Count {
    private long pages;
    private int lastPageSize;

    /** A page of {@code entries} rows was fetched. */
    public void fetched(int entries) {
      pages++;
      lastPageSize = entries;
    }

    public long pages() {
      return pages;
    }

    public int lastPageSize() {
      return lastPageSize;
    }
  }
}
