package io.s3dlio.cli;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What every CLI command shares: stores configured from the standard environment variables,
 * and the output streams.
 */
public final class CliContext implements AutoCloseable {
  private final StoreRegistry stores;
  private final PrintStream out;
  private final PrintStream err;

  public CliContext(StoreConfig config, PrintStream out, PrintStream err) {
    this.stores = new StoreRegistry(config);
    this.out = out;
    this.err = err;
  }

  public ObjectStore store(ObjectUri uri) throws IOException {
    return stores.storeFor(uri);
  }

  public StoreRegistry stores() {
    return stores;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  @Override
  public void close() throws IOException {
    stores.close();
  }
}
