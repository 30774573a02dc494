package io.s3dlio.fs;

/**
 * Public configuration keys of the s3dlio Hadoop FileSystem (defined, with their defaults and meaning, in
 * {@link FsKeys}; all keys of all modules: {@code docs/configuration.md}).
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

  /** The prefix of every key:  */
  public static final String PREFIX = "fs.s3dlio.";

  /** Per-bucket overrides: {@code fs.s3dlio.bucket.<bucket>.<key>}.  */
  public static final String BUCKET_PREFIX = PREFIX + "bucket.";

  /**
   * Default read policy of {@code open()}: {@code sequential}, {@code random}, {@code adaptive}
   * (sequential until the first backward seek, then random), {@code vector}, {@code whole-file}.
   * 
   */
  public static final String READ_POLICY = FsKeys.READ_POLICY.name();
  public static final String READ_POLICY_DEFAULT = FsKeys.READ_POLICY.defaultValue();

  /**
   * Smallest GET of a random read, and how far forward a seek may skip inside an open GET instead
   * of opening a new one. 
   */
  public static final String READAHEAD = FsKeys.READAHEAD.name();
  public static final long READAHEAD_DEFAULT = FsKeys.READAHEAD.sizeDefault();

  /** Block size reported in FileStatus (split size of input formats).  */
  public static final String BLOCK_SIZE = FsKeys.BLOCK_SIZE.name();
  public static final long BLOCK_SIZE_DEFAULT = FsKeys.BLOCK_SIZE.sizeDefault();

  /** Vectored reads: ranges closer than this are merged into one GET.  */
  public static final String VECTORED_MIN_SEEK = FsKeys.VECTORED_MIN_SEEK.name();
  public static final long VECTORED_MIN_SEEK_DEFAULT = FsKeys.VECTORED_MIN_SEEK.sizeDefault();

  /** Vectored reads: largest merged GET.  */
  public static final String VECTORED_MAX_MERGED = FsKeys.VECTORED_MAX_MERGED.name();
  public static final long VECTORED_MAX_MERGED_DEFAULT = FsKeys.VECTORED_MAX_MERGED.sizeDefault();

  /** Vectored reads: merged ranges fetched at once by one {@code readVectored} call. */
  public static final String VECTORED_CONCURRENCY = FsKeys.VECTORED_CONCURRENCY.name();
  public static final int VECTORED_CONCURRENCY_DEFAULT = FsKeys.VECTORED_CONCURRENCY.intDefault();

  /** Sequential reads of remote objects: ranged GETs in flight per stream; 0 (the default) reads with one GET. */
  public static final String PREFETCH_DEPTH = FsKeys.PREFETCH_DEPTH.name();
  public static final int PREFETCH_DEPTH_DEFAULT = FsKeys.PREFETCH_DEPTH.intDefault();

  /** Largest part of the sequential read-ahead ({@link #PREFETCH_DEPTH}). */
  public static final String PREFETCH_PART_SIZE = FsKeys.PREFETCH_PART_SIZE.name();
  public static final long PREFETCH_PART_SIZE_DEFAULT = FsKeys.PREFETCH_PART_SIZE.sizeDefault();

  /** Threads (per FileSystem instance) fetching vectored ranges and read-ahead parts, and copying during rename. */
  public static final String THREADS = FsKeys.THREADS.name();
  public static final int THREADS_DEFAULT = FsKeys.THREADS.intDefault();

  /** Page size of listings.  */
  public static final String LIST_PAGE_SIZE = FsKeys.LIST_PAGE_SIZE.name();
  public static final int LIST_PAGE_SIZE_DEFAULT = FsKeys.LIST_PAGE_SIZE.intDefault();

  /**
   * {@code file://} through {@link S3dlioLocalFileSystem}: whether to write and verify
   * LocalFileSystem's {@code .name.crc} checksum files. Off: files are written with no sidecar
   * (as on object stores) and {@code openFile()} options reach the raw FileSystem. 
   */
  public static final String LOCAL_CHECKSUM = FsKeys.LOCAL_CHECKSUM.name();
  public static final boolean LOCAL_CHECKSUM_DEFAULT = FsKeys.LOCAL_CHECKSUM.booleanDefault();
}
