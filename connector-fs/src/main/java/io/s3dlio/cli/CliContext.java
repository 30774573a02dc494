package io.s3dlio.cli;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What every CLI command shares: stores configured from the standard environment variables (and
 * the root options, such as {@code --op-log}), opened on first use, and the output streams.
 */
public final class CliContext implements AutoCloseable {
  private StoreConfig config;
  private StoreRegistry stores;
  private final PrintStream out;
  private final PrintStream err;

  public CliContext(StoreConfig config, PrintStream out, PrintStream err) {
    this.config = config;
    this.out = out;
    this.err = err;
  }

  /** Sets a store setting; only before the first store is opened. */
  synchronized void set(String key, String value) {
    if (stores != null) {
      throw new IllegalStateException("Cannot set " + key + ": the stores are already open");
    }
    config = config.with(key, value);
  }

  public ObjectStore store(ObjectUri uri) throws IOException {
    return stores().storeFor(uri);
  }

  public synchronized StoreRegistry stores() {
    if (stores == null) {
      stores = new StoreRegistry(config);
    }
    return stores;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  @Override
  public synchronized void close() throws IOException {
    if (stores != null) {
      stores.close();
    }
  }
}
