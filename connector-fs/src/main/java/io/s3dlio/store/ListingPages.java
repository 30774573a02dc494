package io.s3dlio.store;

/**
 * Implemented by the listing iterators of the backends, so that each page request can be timed
 * from outside (see {@link io.s3dlio.store.metrics.MeteredObjectStore}): a page is one
 * ListObjectsV2 / List Blobs request, or one directory read on local disk.
 */
public interface ListingPages {

  /** Pages fetched so far. */
  long pagesFetched();

  /** Entries of the last page fetched. */
  int lastPageSize();
}
