package io.s3dlio.loader;

import java.util.Iterator;

/**
 * The batches of one epoch (from where the loader stands to the end of the epoch). Closing it
 * early stops the fetches in flight and keeps the loader's state after the last batch returned,
 * so the next {@link DataLoader#iterator()} continues from there. {@link #next()} and
 * {@link #hasNext()} throw {@link LoaderException} when a batch cannot be made.
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {

  @Override
  void close();
}
