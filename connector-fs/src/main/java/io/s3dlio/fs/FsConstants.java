package io.s3dlio.fs;

/**
 * Public configuration keys of the s3dlio Hadoop FileSystem.
 *
 * <p>All keys live under one prefix, {@value #PREFIX}. Two kinds of keys share it:
 * <ul>
 *   <li>store keys: {@code fs.s3dlio.<store-key>} is passed to the object store as
 *       {@code <store-key>}, e.g. {@code fs.s3dlio.s3.endpoint} becomes {@code s3.endpoint},
 *       {@code fs.s3dlio.azure.secret-connection-string} becomes {@code azure.secret-connection-string}
 *       (see {@code docs/configuration.md} for the store keys). The standard environment variables
 *       ({@code AWS_ENDPOINT_URL}, {@code AWS_ACCESS_KEY_ID}, {@code AZURE_STORAGE_CONNECTION_STRING},
 *       ...) are read first; Hadoop keys override them;</li>
 *   <li>the FileSystem's own keys, listed below.</li>
 * </ul>
 * Per-bucket overrides: {@code fs.s3dlio.bucket.<bucket>.<key>} overrides {@code fs.s3dlio.<key>}
 * for the FileSystem of that bucket (for {@code az://} the bucket is the storage account).
 *
 * <p>To switch a scheme over to this FileSystem, set {@code fs.<scheme>.impl}: the classes are
 * {@link S3dlioFileSystem.S3}, {@link S3dlioFileSystem.Gs}, {@link S3dlioFileSystem.Az},
 * {@link S3dlioFileSystem.Direct} (also registered through {@code META-INF/services}) and
 * {@link S3dlioLocalFileSystem} ({@code fs.file.impl}: a LocalFileSystem over {@link S3dlioFileSystem.LocalFile},
 * so that {@code FileSystem.getLocal()} keeps working; never registered by default).
 */
public final class FsConstants {
  private FsConstants() {
  }

  /** The prefix of every key: {@value}. */
  public static final String PREFIX = "fs.s3dlio.";

  /** Per-bucket overrides: {@code fs.s3dlio.bucket.<bucket>.<key>}. {@value}. */
  public static final String BUCKET_PREFIX = PREFIX + "bucket.";

  /**
   * Default read policy of {@code open()}: {@code sequential}, {@code random}, {@code adaptive}
   * (sequential until the first backward seek, then random), {@code vector}, {@code whole-file}.
   * {@value}.
   */
  public static final String READ_POLICY = PREFIX + "read.policy";
  public static final String READ_POLICY_DEFAULT = "adaptive";

  /**
   * Smallest GET of a random read, and how far forward a seek may skip inside an open GET instead
   * of opening a new one. {@value}.
   */
  public static final String READAHEAD = PREFIX + "readahead";
  public static final long READAHEAD_DEFAULT = 64L << 10;

  /** Block size reported in FileStatus (split size of input formats). {@value}. */
  public static final String BLOCK_SIZE = PREFIX + "block.size";
  public static final long BLOCK_SIZE_DEFAULT = 128L << 20;

  /** Vectored reads: ranges closer than this are merged into one GET. {@value}. */
  public static final String VECTORED_MIN_SEEK = PREFIX + "vectored.min-seek";
  public static final long VECTORED_MIN_SEEK_DEFAULT = 16L << 10;

  /** Vectored reads: largest merged GET. {@value}. */
  public static final String VECTORED_MAX_MERGED = PREFIX + "vectored.max-merged";
  public static final long VECTORED_MAX_MERGED_DEFAULT = 1L << 20;

  /**
   * Vectored reads: merged ranges fetched at once by one {@code readVectored} call (as S3A's
   * {@code fs.s3a.vectored.active.ranged.reads}); each range completes as soon as its bytes are in.
   * {@value}.
   */
  public static final String VECTORED_CONCURRENCY = PREFIX + "vectored.concurrency";
  public static final int VECTORED_CONCURRENCY_DEFAULT = 8;

  /**
   * Sequential reads of remote objects (read policies sequential, whole-file, adaptive): ranged
   * GETs in flight per stream, each fetching the next part of the file or split; 0 turns
   * read-ahead off (one long GET, as before). Parts start at 1 MiB and double up to
   * {@link #PREFETCH_PART_SIZE}; memory is at most depth x part size per open stream. {@value}.
   */
  public static final String PREFETCH_DEPTH = PREFIX + "prefetch.depth";
  public static final int PREFETCH_DEPTH_DEFAULT = 4;

  /** Largest part of the sequential read-ahead ({@link #PREFETCH_DEPTH}). {@value}. */
  public static final String PREFETCH_PART_SIZE = PREFIX + "prefetch.part-size";
  public static final long PREFETCH_PART_SIZE_DEFAULT = 8L << 20;

  /** Threads (per FileSystem instance) fetching vectored ranges and read-ahead parts, and copying during rename. {@value}. */
  public static final String THREADS = PREFIX + "threads";
  public static final int THREADS_DEFAULT = 16;

  /** Page size of listings. {@value}. */
  public static final String LIST_PAGE_SIZE = PREFIX + "list.page-size";
  public static final int LIST_PAGE_SIZE_DEFAULT = 1000;

  /**
   * {@code file://} through {@link S3dlioLocalFileSystem}: whether to write and verify
   * LocalFileSystem's {@code .name.crc} checksum files. Off: files are written with no sidecar
   * (as on object stores) and {@code openFile()} options reach the raw FileSystem. {@value}.
   */
  public static final String LOCAL_CHECKSUM = PREFIX + "file.checksum";
  public static final boolean LOCAL_CHECKSUM_DEFAULT = false;
}
