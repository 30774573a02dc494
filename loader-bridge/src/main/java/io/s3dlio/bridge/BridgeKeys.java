package io.s3dlio.bridge;

import static io.s3dlio.store.config.ConfigKey.Type.DURATION;
import static io.s3dlio.store.config.ConfigKey.Type.INT;
import static io.s3dlio.store.config.ConfigKey.Type.STRING;

import io.s3dlio.store.config.ConfigKey;
import io.s3dlio.store.config.ConfigKeySource;
import io.s3dlio.store.config.ConfigSection;
import java.util.List;

/**
 * The options of a {@link BridgeFeed}, defined once under their Spark conf names
 * ({@code spark.s3dlio.bridge.<option>}); {@link BridgeOptions} names them for the code.
 */
public final class BridgeKeys implements ConfigKeySource {
  static final String PREFIX = "spark.s3dlio.bridge.";

  static final ConfigKey WORLD_SIZE = ConfigKey.of(PREFIX + "world-size", INT, null, "number of ranks (required)");
  static final ConfigKey BATCH_SIZE = ConfigKey.of(PREFIX + "batch-size", INT, null, "rows per batch, per rank (required)");
  static final ConfigKey SEED = ConfigKey.of(PREFIX + "seed", INT, "0", "seed of the order");
  static final ConfigKey BLOCK_PARTITIONS = ConfigKey.of(PREFIX + "block-partitions", INT, "4",
      "partitions per block: rows are shuffled across the partitions of a block; one Spark job per block");
  static final ConfigKey PREFETCH_BLOCKS = ConfigKey.of(PREFIX + "prefetch-blocks", INT, "2",
      "blocks fetched ahead of the slowest rank (bounds the driver's memory)");
  static final ConfigKey TAIL = ConfigKey.of(PREFIX + "tail", STRING, "drop",
      "`drop`: rows that do not fill a last step are left out; `pad`: the last step is filled from the start of the epoch's order");
  static final ConfigKey ADDRESS = ConfigKey.of(PREFIX + "address", STRING, "127.0.0.1",
      "address to listen on (`0.0.0.0` for trainers on other hosts)");
  static final ConfigKey PORT = ConfigKey.of(PREFIX + "port", INT, "0", "port; 0 takes a free one");
  static final ConfigKey MAX_CREDITS = ConfigKey.of(PREFIX + "max-credits", INT, "16",
      "most batches a rank may hold unacknowledged");
  static final ConfigKey RECONNECT_TIMEOUT = ConfigKey.of(PREFIX + "reconnect-timeout", DURATION, "30s",
      "how long a rank whose connection dropped may take to come back before the epoch fails");
  static final ConfigKey HANDSHAKE_TIMEOUT = ConfigKey.of(PREFIX + "handshake-timeout", DURATION, "10s",
      "how long a new connection may take to say hello");
  static final ConfigKey UPLOAD = ConfigKey.of(PREFIX + "upload", STRING, "auto",
      "how executor tasks hand their encoded partitions to the driver: `auto` (in memory when the task runs in the driver's JVM, else over TCP to the driver's upload port), `tcp`, or `off` (as Spark task results)");
  static final ConfigKey UPLOAD_ADDRESS = ConfigKey.of(PREFIX + "upload-address", STRING, null,
      "address of the driver's upload port as executors reach it; default `127.0.0.1` in local mode, else `spark.driver.host`");
  static final ConfigKey UPLOAD_PORT = ConfigKey.of(PREFIX + "upload-port", INT, "0", "the upload port; 0 takes a free one");
  static final ConfigKey TENSOR = ConfigKey.of(PREFIX + "tensor.<column>", STRING, null,
      "`[dtype:]d1,d2,...`: stream the column as an `arrow.fixed_shape_tensor` of that shape");

  /** The option name of a key ({@code seed} for {@code spark.s3dlio.bridge.seed}). */
  static String option(ConfigKey key) {
    return key.name().substring(PREFIX.length());
  }

  @Override
  public int order() {
    return 30;
  }

  @Override
  public List<ConfigSection> sections() {
    return List.of(new ConfigSection("Bridge feeds (spark.s3dlio.bridge.*)",
        "Options of `BridgeFeed`: set per feed with `.option(\"<option>\", value)` (the name after "
            + "`spark.s3dlio.bridge.`), or for every feed as the Spark conf key below: [bridge](bridge.md).",
        List.of(WORLD_SIZE, BATCH_SIZE, SEED, BLOCK_PARTITIONS, PREFETCH_BLOCKS, TAIL, TENSOR, ADDRESS, PORT, MAX_CREDITS,
            RECONNECT_TIMEOUT, HANDSHAKE_TIMEOUT, UPLOAD, UPLOAD_ADDRESS, UPLOAD_PORT)));
  }
}
