package io.s3dlio.bridge;

/**
 * Option keys of a {@link BridgeFeed} (defined, with defaults and meaning, in {@link BridgeKeys}).
 *
 * <p>A key is resolved in this order: the feed's own option ({@link BridgeFeed.Builder#option}), the
 * Spark session conf {@code spark.s3dlio.bridge.<key>}, the default given here.
 */
public final class BridgeOptions {
  /** Prefix of the Spark session conf keys that give defaults to every feed. */
  public static final String SESSION_CONF_PREFIX = BridgeKeys.PREFIX;

  /** Address the feed listens on; {@code 127.0.0.1} by default (this machine only). */
  public static final String ADDRESS = BridgeKeys.option(BridgeKeys.ADDRESS);
  public static final String DEFAULT_ADDRESS = BridgeKeys.ADDRESS.defaultValue();

  /** TCP port; 0 (the default) takes a free one. */
  public static final String PORT = BridgeKeys.option(BridgeKeys.PORT);
  public static final int DEFAULT_PORT = BridgeKeys.PORT.intDefault();

  /** Number of trainer ranks that connect. Required (no default). */
  public static final String WORLD_SIZE = BridgeKeys.option(BridgeKeys.WORLD_SIZE);

  /** Rows per batch, per rank. Required (no default). */
  public static final String BATCH_SIZE = BridgeKeys.option(BridgeKeys.BATCH_SIZE);

  /** Seed of the shuffle; the order of an epoch is a function of the seed and the epoch. */
  public static final String SEED = BridgeKeys.option(BridgeKeys.SEED);
  public static final long DEFAULT_SEED = Long.parseLong(BridgeKeys.SEED.defaultValue());

  /** Partitions per block: rows are shuffled across the partitions of a block. */
  public static final String BLOCK_PARTITIONS = BridgeKeys.option(BridgeKeys.BLOCK_PARTITIONS);
  public static final int DEFAULT_BLOCK_PARTITIONS = BridgeKeys.BLOCK_PARTITIONS.intDefault();

  /** Blocks held (fetched or being fetched) ahead of the slowest rank; bounds the feed's memory. */
  public static final String PREFETCH_BLOCKS = BridgeKeys.option(BridgeKeys.PREFETCH_BLOCKS);
  public static final int DEFAULT_PREFETCH_BLOCKS = BridgeKeys.PREFETCH_BLOCKS.intDefault();

  /** What to do with the rows that do not fill a last global step: {@code drop} or {@code pad}. */
  public static final String TAIL = BridgeKeys.option(BridgeKeys.TAIL);
  public static final String DEFAULT_TAIL = BridgeKeys.TAIL.defaultValue();

  /** Most batches a rank may hold unacknowledged (its credits are the smaller of this and its ask). */
  public static final String MAX_CREDITS = BridgeKeys.option(BridgeKeys.MAX_CREDITS);
  public static final int DEFAULT_MAX_CREDITS = BridgeKeys.MAX_CREDITS.intDefault();

  /** How long a rank that lost its connection may take to reconnect before the epoch fails. */
  public static final String RECONNECT_TIMEOUT = BridgeKeys.option(BridgeKeys.RECONNECT_TIMEOUT);
  public static final String DEFAULT_RECONNECT_TIMEOUT = BridgeKeys.RECONNECT_TIMEOUT.defaultValue();

  /** How long a new connection may take to send its hello. */
  public static final String HANDSHAKE_TIMEOUT = BridgeKeys.option(BridgeKeys.HANDSHAKE_TIMEOUT);
  public static final String DEFAULT_HANDSHAKE_TIMEOUT = BridgeKeys.HANDSHAKE_TIMEOUT.defaultValue();

  /**
   * How executor tasks hand their encoded partitions to the driver: {@code auto}
   * (in memory when the task runs in the driver's JVM, as in local mode; otherwise over TCP to the
   * driver's upload port), {@code tcp} (always over TCP) or {@code off} (as Spark task results).
   */
  public static final String UPLOAD = BridgeKeys.option(BridgeKeys.UPLOAD);
  public static final String DEFAULT_UPLOAD = BridgeKeys.UPLOAD.defaultValue();

  /**
   * Address of the driver's upload port as executors reach it. Default: 127.0.0.1 in local mode,
   * else {@code spark.driver.host} (listening on {@code spark.driver.bindAddress} when set).
   */
  public static final String UPLOAD_ADDRESS = BridgeKeys.option(BridgeKeys.UPLOAD_ADDRESS);

  /** Port of the driver's upload port; 0 (the default) takes a free one. */
  public static final String UPLOAD_PORT = BridgeKeys.option(BridgeKeys.UPLOAD_PORT);

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
