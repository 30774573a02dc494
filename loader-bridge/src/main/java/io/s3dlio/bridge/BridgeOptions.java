package io.s3dlio.bridge;

/**
 * Option keys of a {@link BridgeFeed}, in one place.
 *
 * <p>A key is resolved in this order: the feed's own option ({@link BridgeFeed.Builder#option}), the
 * Spark session conf {@code spark.s3dlio.bridge.<key>}, the default given here.
 */
public final class BridgeOptions {
  /** Prefix of the Spark session conf keys that give defaults to every feed: {@value}. */
  public static final String SESSION_CONF_PREFIX = "spark.s3dlio.bridge.";

  /** Address the feed listens on; {@value #DEFAULT_ADDRESS} by default (this machine only). */
  public static final String ADDRESS = "address";
  public static final String DEFAULT_ADDRESS = "127.0.0.1";

  /** TCP port; 0 (the default) takes a free one. */
  public static final String PORT = "port";
  public static final int DEFAULT_PORT = 0;

  /** Number of trainer ranks that connect: {@value}. Required (no default). */
  public static final String WORLD_SIZE = "world-size";

  /** Rows per batch, per rank: {@value}. Required (no default). */
  public static final String BATCH_SIZE = "batch-size";

  /** Seed of the shuffle; the order of an epoch is a function of the seed and the epoch. */
  public static final String SEED = "seed";
  public static final long DEFAULT_SEED = 0L;

  /** Partitions per block: rows are shuffled across the partitions of a block. */
  public static final String BLOCK_PARTITIONS = "block-partitions";
  public static final int DEFAULT_BLOCK_PARTITIONS = 4;

  /** Blocks held (fetched or being fetched) ahead of the slowest rank; bounds the feed's memory. */
  public static final String PREFETCH_BLOCKS = "prefetch-blocks";
  public static final int DEFAULT_PREFETCH_BLOCKS = 2;

  /** What to do with the rows that do not fill a last global step: {@code drop} or {@code pad}. */
  public static final String TAIL = "tail";
  public static final String DEFAULT_TAIL = "drop";

  /** Most batches a rank may hold unacknowledged (its credits are the smaller of this and its ask). */
  public static final String MAX_CREDITS = "max-credits";
  public static final int DEFAULT_MAX_CREDITS = 16;

  /** How long a rank that lost its connection may take to reconnect before the epoch fails. */
  public static final String RECONNECT_TIMEOUT = "reconnect-timeout";
  public static final String DEFAULT_RECONNECT_TIMEOUT = "30s";

  /** How long a new connection may take to send its hello. */
  public static final String HANDSHAKE_TIMEOUT = "handshake-timeout";
  public static final String DEFAULT_HANDSHAKE_TIMEOUT = "10s";

  /**
   * How executor tasks hand their encoded partitions to the driver: {@value #DEFAULT_UPLOAD}
   * (in memory when the task runs in the driver's JVM, as in local mode; otherwise over TCP to the
   * driver's upload port), {@code tcp} (always over TCP) or {@code off} (as Spark task results).
   */
  public static final String UPLOAD = "upload";
  public static final String DEFAULT_UPLOAD = "auto";

  /**
   * Address of the driver's upload port as executors reach it. Default: 127.0.0.1 in local mode,
   * else {@code spark.driver.host} (listening on {@code spark.driver.bindAddress} when set).
   */
  public static final String UPLOAD_ADDRESS = "upload-address";

  /** Port of the driver's upload port; 0 (the default) takes a free one. */
  public static final String UPLOAD_PORT = "upload-port";

  /**
   * Prefix of the tensor declarations: {@code tensor.<column> = [dtype:]d1,d2,...} streams the column
   * as an {@code arrow.fixed_shape_tensor} of that shape. The column is {@code binary} (its bytes,
   * read little-endian as {@code dtype}, default {@code uint8}) or {@code array<numeric>} (dtype
   * from the element type).
   */
  public static final String TENSOR_PREFIX = "tensor.";

  private BridgeOptions() {
  }
}
