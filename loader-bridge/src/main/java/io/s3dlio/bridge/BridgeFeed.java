package io.s3dlio.bridge;

import io.s3dlio.bridge.arrow.BatchAssembler;
import io.s3dlio.bridge.arrow.WireSchema;
import io.s3dlio.bridge.spark.DataFrameSource;
import io.s3dlio.bridge.spark.PartitionStats;
import io.s3dlio.bridge.arrow.BufferPool;
import io.s3dlio.bridge.upload.UploadInbox;
import io.s3dlio.bridge.upload.UploadServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a DataFrame to N trainer processes, served by the driver.
 *
 * <pre>{@code
 * try (BridgeFeed feed = BridgeFeed.builder(df).worldSize(2).batchSize(64).seed(7)
 *     .tensor("image", 3, 32, 32).start()) {
 *   // start the trainers with feed.address() and feed.token() (S3DLIO_BRIDGE_ADDRESS / _TOKEN)
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} runs one Spark job that counts and checksums every partition (the
 * first computation; persist the DataFrame to make later passes cheap), then listens. Each epoch the
 * ranks ask for is fetched block by block by Spark jobs whose tasks encode their rows as Arrow
 * record batches; the driver only cuts them into the ranks' batches. See docs/bridge.md.
 */
public final class BridgeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeFeed.class);
  /** Environment variable naming the feed's address ({@code host:port}) for the Python client. */
  public static final String ENV_ADDRESS = "S3DLIO_BRIDGE_ADDRESS";
  /** Environment variable holding the feed's token for the Python client. */
  public static final String ENV_TOKEN = "S3DLIO_BRIDGE_TOKEN";

  private final FeedContext ctx;
  private final FeedServer server;
  private final String token;

  private BridgeFeed(FeedContext ctx, FeedServer server, String token) {
    this.ctx = ctx;
    this.server = server;
    this.token = token;
  }

  public static Builder builder(Dataset<Row> df) {
    return new Builder(df);
  }

  /** Options of a feed (keys in {@link BridgeOptions}). */
  public static final class Builder {
    private final Dataset<Row> df;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder(Dataset<Row> df) {
      this.df = df;
    }

    public Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    public Builder options(Map<String, String> more) {
      options.putAll(more);
      return this;
    }

    public Builder worldSize(int ranks) {
      return option(BridgeOptions.WORLD_SIZE, Integer.toString(ranks));
    }

    public Builder batchSize(int rows) {
      return option(BridgeOptions.BATCH_SIZE, Integer.toString(rows));
    }

    public Builder seed(long seed) {
      return option(BridgeOptions.SEED, Long.toString(seed));
    }

    /** {@code drop} (default) or {@code pad}. */
    public Builder tail(String tail) {
      return option(BridgeOptions.TAIL, tail);
    }

    /** Streams {@code column} as a fixed-shape tensor (dtype from the column; uint8 for binary). */
    public Builder tensor(String column, int... shape) {
      return option(BridgeOptions.TENSOR_PREFIX + column, join(shape));
    }

    /** Streams binary {@code column} as a fixed-shape tensor of {@code dtype} values (little-endian). */
    public Builder tensor(String column, String dtype, int... shape) {
      return option(BridgeOptions.TENSOR_PREFIX + column, dtype + ":" + join(shape));
    }

    private static String join(int[] shape) {
      StringBuilder sb = new StringBuilder();
      for (int d : shape) {
        sb.append(sb.length() == 0 ? "" : ",").append(d);
      }
      return sb.toString();
    }

    /** Counts and checksums the partitions (one Spark job), then listens for the ranks. */
    public BridgeFeed start() {
      BridgeConf conf = new BridgeConf(options, df.sparkSession().sparkContext().getConf());
      int world = conf.worldSize();
      int batch = conf.batchSize();
      WireSchema wire = WireSchema.of(df.schema(), conf.tensors());
      DataFrameSource source = new DataFrameSource(df, wire);
      long t0 = System.nanoTime();
      PartitionStats stats = source.stats("s3dlio bridge: count and checksum the partitions");
      LOG.debug("s3dlio bridge: counted the rows of {} partitions{} in {} ms", stats.partitions(),
          stats.known(0) ? " (and checksummed them)" : "", (System.nanoTime() - t0) / 1_000_000);
      long global = (long) world * batch;
      if (stats.rows() < global) {
        throw new IllegalArgumentException("Cannot start the feed: the DataFrame has " + stats.rows()
            + " rows, fewer than one global step (world-size " + world + " x batch-size " + batch + ")");
      }
      String feedId = UUID.randomUUID().toString().substring(0, 8);
      String mode = conf.upload();
      FeedStats feedStats = new FeedStats();
      UploadInbox inbox = new UploadInbox(feedId, new BufferPool(feedStats::largestBlockBytes), feedStats::held,
          feedStats::released);
      UploadServer uploads = null;
      if (!mode.equals("off")) {
        String[] at = uploadAddress(conf, df.sparkSession().sparkContext());
        try {
          uploads = new UploadServer(inbox, at[0], at[1], conf.uploadPort(), mode.equals("tcp"));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot start the feed: cannot listen for uploads on " + at[0] + ":"
              + conf.uploadPort() + ": " + e.getMessage(), e);
        }
        inbox.register();
      }
      ExecutorService fetchPool = Executors.newCachedThreadPool(daemon("s3dlio-bridge-fetch-" + feedId));
      ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("s3dlio-bridge-timer-" + feedId));
      FeedContext ctx = new FeedContext(feedId, source, wire, new BatchAssembler(wire), stats,
          fingerprint(stats, conf.seed(), conf.blockPartitions(), wire), world, batch, conf.seed(),
          conf.blockPartitions(), conf.prefetchBlocks(), conf.tail(), conf.reconnectTimeout(), feedStats,
          fetchPool, timers, inbox, uploads);
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      String token = HexFormat.of().formatHex(secret);
      try {
        FeedServer server = new FeedServer(ctx, conf.address(), conf.port(), token, conf.maxCredits(),
            conf.handshakeTimeout());
        server.prefetch(0);
        LOG.info("s3dlio bridge: serving {} rows ({} partitions; {}) on {}:{} to {} ranks, {} steps per epoch; uploads "
            + "{}", stats.rows(), stats.counts().length, wire.describe(), server.host(), server.port(), world,
            conf.tail().steps(stats.rows(), 0, global), uploads == null ? "off (task results)"
                : mode + " (port " + uploads.port() + ")");
        return new BridgeFeed(ctx, server, token);
      } catch (IOException e) {
        shutdown(ctx);
        throw new UncheckedIOException("Cannot start the feed: cannot listen on " + conf.address() + ":" + conf.port()
            + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * {bind, advertised} address of the upload port: the option; else 127.0.0.1 in local mode; else
   * the driver's host as executors reach it ({@code spark.driver.host}), listening on
   * {@code spark.driver.bindAddress} when set.
   */
  private static String[] uploadAddress(BridgeConf conf, SparkContext sc) {
    String given = conf.uploadAddress();
    if (given != null) {
      return new String[] {given, given};
    }
    if (sc.isLocal()) {
      return new String[] {"127.0.0.1", "127.0.0.1"};
    }
    SparkConf c = sc.getConf();
    String host = c.get("spark.driver.host");
    return new String[] {c.get("spark.driver.bindAddress", host), host};
  }

  private static void shutdown(FeedContext ctx) {
    ctx.fetchPool().shutdownNow();
    ctx.timers().shutdownNow();
    ctx.inbox().unregister();
    if (ctx.uploads() != null) {
      ctx.uploads().close();
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The plan's fingerprint: SHA-256 over the protocol version, seed, block-partitions, the Arrow
   * schema message and each partition's row count; the first 16 bytes, in hex.
   */
  static String fingerprint(PartitionStats stats, long seed, int blockPartitions, WireSchema wire) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(FeedServer.PROTOCOL).putLong(seed).putInt(blockPartitions).putInt(stats.counts().length);
      d.update(b.array());
      d.update(wire.schemaMessage());
      ByteBuffer p = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      for (long c : stats.counts()) {
        p.clear();
        p.putLong(c);
        d.update(p.array());
      }
      return HexFormat.of().formatHex(d.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The host the feed listens on. */
  public String host() {
    return server.host();
  }

  public int port() {
    return server.port();
  }

  /** {@code host:port}, as the Python client takes it. */
  public String address() {
    return host() + ":" + port();
  }

  /** The secret the ranks present; give it to them privately (it is never logged). */
  public String token() {
    return token;
  }

  /** {@link #ENV_ADDRESS} and {@link #ENV_TOKEN} for a trainer process's environment. */
  public Map<String, String> environment() {
    return Map.of(ENV_ADDRESS, address(), ENV_TOKEN, token);
  }

  public long rows() {
    return ctx.rows();
  }

  public int partitions() {
    return ctx.partitions().counts().length;
  }

  public int worldSize() {
    return ctx.worldSize();
  }

  /** Rows per batch, per rank. */
  public int batchSize() {
    return ctx.batchSize();
  }

  /** Steps every rank gets in a whole epoch. */
  public long stepsPerEpoch() {
    return ctx.tail().steps(ctx.rows(), 0, ctx.globalBatch());
  }

  public String fingerprint() {
    return ctx.fingerprint();
  }

  /** The columns as they travel, e.g. {@code id: int64, image: arrow.fixed_shape_tensor<uint8>[4096]}. */
  public String describeSchema() {
    return ctx.wire().describe();
  }

  public FeedStats stats() {
    return ctx.stats();
  }

  /** Waits until {@code runs} epoch runs have completed or failed; true if all completed in time. */
  public boolean awaitRuns(long runs, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ctx.stats().runsCompleted() + ctx.stats().runsFailed() < runs) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return ctx.stats().runsFailed() == 0;
  }

  @Override
  public void close() {
    server.close();
    shutdown(ctx);
  }

  @Override
  public String toString() {
    return "BridgeFeed[" + address() + ", " + rows() + " rows, " + ctx.worldSize() + " ranks x " + ctx.batchSize()
        + "]";
  }
}
