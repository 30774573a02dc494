package io.s3dlio.cli;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.store.metrics.MetricsKeys;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What every CLI command shares: stores configured from the environment variables and the
 * command line's {@code --set key=value} settings, and the output streams.
 */
public final class CliContext implements AutoCloseable {
  private final StoreConfig config;
  private final java.util.Map<String, String> overrides = new java.util.TreeMap<>();
  private StoreRegistry stores;
  private boolean reportsMetrics;
  private final PrintStream out;
  private final PrintStream err;

  public CliContext(StoreConfig config, PrintStream out, PrintStream err) {
    this.config = config;
    this.out = out;
    this.err = err;
  }

  /** Sets a store key for this command line ({@code --set key=value}); before any store is opened. */
  public synchronized void set(String key, String value) {
    if (stores != null) {
      throw new IllegalStateException("Cannot set " + key + ": a store is already open");
    }
    overrides.put(key, value);
  }

  /** The settings of this command line: the environment's, with {@code --set} over them. */
  public synchronized StoreConfig config() {
    return config.with(overrides);
  }

  /**
   * Says that the running command reports the stores' latency metrics ({@code bench}); call it before
   * the first store opens. Other commands open their stores without metrics unless
   * {@code metrics.enabled} is set: nothing would read them, and a short run would pay for the
   * histograms.
   */
  public synchronized void reportsMetrics() {
    reportsMetrics = true;
  }

  /** The settings the stores open with: {@link #config()}, metrics off by default unless reported. */
  private StoreConfig storeConfig() {
    StoreConfig c = config();
    if (!reportsMetrics && c.get(MetricsKeys.METRICS_ENABLED).isEmpty()) {
      return c.with(MetricsKeys.METRICS_ENABLED, "false");
    }
    return c;
  }

  public ObjectStore store(ObjectUri uri) throws IOException {
    ObjectStore store = stores().storeFor(uri);
    StartupTimer.mark("store open");
    return store;
  }

  /** The stores of this command line, opened with its settings on first use. */
  public synchronized StoreRegistry stores() {
    if (stores == null) {
      stores = new StoreRegistry(storeConfig());
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
