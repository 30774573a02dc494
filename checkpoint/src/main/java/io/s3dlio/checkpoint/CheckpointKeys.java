package io.s3dlio.checkpoint;

import static io.s3dlio.store.config.ConfigKey.Type.DURATION;
import static io.s3dlio.store.config.ConfigKey.Type.INT;
import static io.s3dlio.store.config.ConfigKey.Type.SIZE;
import static io.s3dlio.store.config.ConfigKey.Type.STRING;

import io.s3dlio.store.config.ConfigKey;
import io.s3dlio.store.config.ConfigKeySource;
import io.s3dlio.store.config.ConfigSection;
import java.util.List;

/** The {@code checkpoint.*} keys, defined once ({@link CheckpointOptions} reads them). */
public final class CheckpointKeys implements ConfigKeySource {
  static final ConfigKey COMPRESSION = ConfigKey.of("checkpoint.compression", STRING, "none",
      "`none` or `zstd` (each chunk an independent zstd frame)");
  static final ConfigKey ZSTD_LEVEL = ConfigKey.of("checkpoint.zstd-level", INT, "3", "zstd level, 1 to 19");
  static final ConfigKey CHUNK_SIZE = ConfigKey.of("checkpoint.chunk-size", SIZE, "4m", "most raw bytes per chunk, 4k to 4m");
  static final ConfigKey COMPRESS_THREADS = ConfigKey.of("checkpoint.compress-threads", INT, null,
      "threads compressing chunks; default: the cores");
  static final ConfigKey IO_THREADS = ConfigKey.of("checkpoint.io-threads", INT, "16",
      "parallel ranged reads and commit checks");
  static final ConfigKey READ_RANGE_SIZE = ConfigKey.of("checkpoint.read-range-size", SIZE, "8m",
      "most bytes one ranged read asks for (whole chunks)");
  static final ConfigKey COMMIT_CHECK = ConfigKey.of("checkpoint.commit-check", STRING, "structure",
      "what the coordinator checks of each shard before it commits: `structure` (present, size, header, trailer, index) or `full` (also every byte against its CRC32C)");
  static final ConfigKey PRUNE_GRACE = ConfigKey.of("checkpoint.prune-grace", DURATION, "10m",
      "an uncommitted save younger than this is never removed by prune (it may still be running)")
      .deprecatedIn("checkpoint.prune-grace-seconds", "s");

  @Override
  public int order() {
    return 20;
  }

  @Override
  public List<ConfigSection> sections() {
    return List.of(new ConfigSection("Checkpoints (checkpoint.*)",
        "Store keys read by `CheckpointStore` (`StoreConfig`) and by `s3dlio checkpoint` (`--set KEY=VALUE`): "
            + "[checkpoints](checkpoint.md).",
        List.of(COMPRESSION, ZSTD_LEVEL, CHUNK_SIZE, COMPRESS_THREADS, IO_THREADS, READ_RANGE_SIZE, COMMIT_CHECK,
            PRUNE_GRACE)));
  }
}
