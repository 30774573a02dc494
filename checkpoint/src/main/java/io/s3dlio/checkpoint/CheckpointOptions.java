package io.s3dlio.checkpoint;

import io.s3dlio.store.StoreConfig;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of a {@link CheckpointStore}. Each has a key ({@code checkpoint.*}, read by
 * {@link #from(StoreConfig)} so that the CLI can set them) and a default, defined in {@link CheckpointKeys}.
 *
 * @param compression {@code #COMPRESSION}: {@code none} (default) or {@code zstd} (each chunk an
 *     independent zstd frame)
 * @param zstdLevel {@code #ZSTD_LEVEL}: zstd level, 1 to 19 (default {@code #ZSTD_LEVEL_DEFAULT})
 * @param chunkSize {@code #CHUNK_SIZE}: most raw bytes per chunk, 4 KiB to 4 MiB (default 4 MiB)
 * @param compressThreads {@code #COMPRESS_THREADS}: threads compressing chunks (default: cores)
 * @param ioThreads {@code #IO_THREADS}: parallel ranged reads and commit checks (default
 *     {@code #IO_THREADS_DEFAULT})
 * @param readRangeSize {@code #READ_RANGE_SIZE}: most bytes one ranged read asks for, whole chunks
 *     (default 8 MiB)
 * @param commitCheck {@code #COMMIT_CHECK}: what the coordinator checks of each shard before it
 *     commits: {@code structure} (default: present, the size its rank reported, header, trailer
 *     and index) or {@code full} (also reads every byte and compares the CRC32C)
 * @param pruneGrace {@code #PRUNE_GRACE}: an uncommitted save younger than this is never removed
 *     by prune (it may still be running); default 10 minutes
 */
public record CheckpointOptions(Compression compression, int zstdLevel, int chunkSize, int compressThreads,
    int ioThreads, int readRangeSize, CommitCheck commitCheck, Duration pruneGrace) {

  public static final String COMPRESSION = CheckpointKeys.COMPRESSION.name();
  public static final String ZSTD_LEVEL = CheckpointKeys.ZSTD_LEVEL.name();
  public static final int ZSTD_LEVEL_DEFAULT = CheckpointKeys.ZSTD_LEVEL.intDefault();
  public static final String CHUNK_SIZE = CheckpointKeys.CHUNK_SIZE.name();
  public static final int MAX_CHUNK_SIZE = (int) CheckpointKeys.CHUNK_SIZE.sizeDefault();
  public static final int MIN_CHUNK_SIZE = 4 << 10;
  public static final String COMPRESS_THREADS = CheckpointKeys.COMPRESS_THREADS.name();
  public static final String IO_THREADS = CheckpointKeys.IO_THREADS.name();
  public static final int IO_THREADS_DEFAULT = CheckpointKeys.IO_THREADS.intDefault();
  public static final String READ_RANGE_SIZE = CheckpointKeys.READ_RANGE_SIZE.name();
  public static final int READ_RANGE_SIZE_DEFAULT = (int) CheckpointKeys.READ_RANGE_SIZE.sizeDefault();
  public static final String COMMIT_CHECK = CheckpointKeys.COMMIT_CHECK.name();
  public static final String PRUNE_GRACE = CheckpointKeys.PRUNE_GRACE.name();
  public static final Duration PRUNE_GRACE_DEFAULT = CheckpointKeys.PRUNE_GRACE.durationDefault();

  /** How chunks are stored. */
  public enum Compression {
    NONE, ZSTD;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What the coordinator checks before the commit. */
  public enum CommitCheck {
    STRUCTURE, FULL
  }

  public static final CheckpointOptions DEFAULT = new CheckpointOptions(Compression.NONE, ZSTD_LEVEL_DEFAULT,
      MAX_CHUNK_SIZE, Runtime.getRuntime().availableProcessors(), IO_THREADS_DEFAULT, READ_RANGE_SIZE_DEFAULT,
      CommitCheck.STRUCTURE, PRUNE_GRACE_DEFAULT);

  public CheckpointOptions {
    check(zstdLevel >= 1 && zstdLevel <= 19, ZSTD_LEVEL, zstdLevel + " (need 1 to 19)");
    check(chunkSize >= MIN_CHUNK_SIZE && chunkSize <= MAX_CHUNK_SIZE, CHUNK_SIZE,
        chunkSize + " bytes (need 4 KiB to 4 MiB)");
    check(compressThreads >= 1, COMPRESS_THREADS, compressThreads + " (need >= 1)");
    check(ioThreads >= 1, IO_THREADS, ioThreads + " (need >= 1)");
    check(readRangeSize >= 1, READ_RANGE_SIZE, readRangeSize + " (need >= 1)");
    check(!pruneGrace.isNegative(), PRUNE_GRACE, pruneGrace + " (need >= 0)");
  }

  private static void check(boolean ok, String key, String what) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid setting " + key + ": " + what);
    }
  }

  /** The defaults overridden by the {@code checkpoint.*} keys of {@code config}. */
  public static CheckpointOptions from(StoreConfig config) {
    CheckpointOptions d = DEFAULT;
    return new CheckpointOptions(
        Compression.valueOf(parseEnum(config.get(COMPRESSION, d.compression.id()), COMPRESSION, "none", "zstd")),
        config.getInt(ZSTD_LEVEL, d.zstdLevel),
        (int) config.getBytes(CHUNK_SIZE, d.chunkSize),
        config.getInt(COMPRESS_THREADS, d.compressThreads),
        config.getInt(IO_THREADS, d.ioThreads),
        (int) Math.min(Integer.MAX_VALUE, config.getBytes(READ_RANGE_SIZE, d.readRangeSize)),
        CommitCheck.valueOf(parseEnum(config.get(COMMIT_CHECK, CheckpointKeys.COMMIT_CHECK.defaultValue()), COMMIT_CHECK, "structure", "full")),
        config.getDuration(PRUNE_GRACE, d.pruneGrace));
  }

  private static String parseEnum(String v, String key, String... allowed) {
    String t = v.trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(t)) {
        return t.toUpperCase(Locale.ROOT);
      }
    }
    throw new IllegalArgumentException("Invalid setting " + key + ": '" + v + "' (expected one of "
        + String.join(", ", allowed) + ")");
  }

  public CheckpointOptions withCompression(Compression c) {
    return new CheckpointOptions(c, zstdLevel, chunkSize, compressThreads, ioThreads, readRangeSize, commitCheck, pruneGrace);
  }

  public CheckpointOptions withZstdLevel(int level) {
    return new CheckpointOptions(compression, level, chunkSize, compressThreads, ioThreads, readRangeSize, commitCheck,
        pruneGrace);
  }

  public CheckpointOptions withChunkSize(int bytes) {
    return new CheckpointOptions(compression, zstdLevel, bytes, compressThreads, ioThreads, readRangeSize, commitCheck,
        pruneGrace);
  }

  public CheckpointOptions withIoThreads(int n) {
    return new CheckpointOptions(compression, zstdLevel, chunkSize, compressThreads, n, readRangeSize, commitCheck,
        pruneGrace);
  }

  public CheckpointOptions withCompressThreads(int n) {
    return new CheckpointOptions(compression, zstdLevel, chunkSize, n, ioThreads, readRangeSize, commitCheck, pruneGrace);
  }

  public CheckpointOptions withReadRangeSize(int bytes) {
    return new CheckpointOptions(compression, zstdLevel, chunkSize, compressThreads, ioThreads, bytes, commitCheck,
        pruneGrace);
  }

  public CheckpointOptions withCommitCheck(CommitCheck c) {
    return new CheckpointOptions(compression, zstdLevel, chunkSize, compressThreads, ioThreads, readRangeSize, c, pruneGrace);
  }

  public CheckpointOptions withPruneGrace(Duration d) {
    return new CheckpointOptions(compression, zstdLevel, chunkSize, compressThreads, ioThreads, readRangeSize, commitCheck, d);
  }
}
