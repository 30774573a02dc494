package io.s3dlio.npz.spark;

/** Option keys of the npz and npy sources (read and write), with their defaults. */
public final class NpzOptions {
  private NpzOptions() {
  }

  /** {@code file}: one row per file; {@code sample}: one row per index along axis 0. Default {@value}. */
  public static final String LAYOUT = "layout";
  public static final String LAYOUT_DEFAULT = "file";

  /** Comma-separated array names to use (default: every array of the first file). */
  public static final String ARRAYS = "arrays";

  /** Target bytes per input partition; files larger than this are split by rows where possible. Default {@value}. */
  public static final String SPLIT_SIZE = "split-size";
  public static final String SPLIT_SIZE_DEFAULT = "128m";

  /** Write: {@code none} (stored members, as numpy.savez) or {@code deflate} (as numpy.savez_compressed). */
  public static final String COMPRESSION = "compression";
  public static final String COMPRESSION_DEFAULT = "none";

  /** Write, sample layout: most rows per output file (0: one file per task). Default {@value}. */
  public static final String MAX_RECORDS_PER_FILE = "max-records-per-file";
  public static final String MAX_RECORDS_PER_FILE_DEFAULT = "0";

  /** Prefix of Spark conf keys passed to the object stores: {@code spark.s3dlio.s3.endpoint} → {@code s3.endpoint}. */
  public static final String STORE_CONF_PREFIX = "spark.s3dlio.";

  /** Prefix of read/write options passed to the object stores: {@code store.s3.endpoint} → {@code s3.endpoint}. */
  public static final String STORE_OPTION_PREFIX = "store.";

  /** Column with the file's URI. */
  public static final String PATH_COLUMN = "path";
  /** Sample layout: column with the index along axis 0. */
  public static final String INDEX_COLUMN = "index";
  /** File layout: suffix of the column with an array's shape. */
  public static final String SHAPE_SUFFIX = "_shape";
  /** File layout: suffix of the column with an array's numpy dtype (descr). */
  public static final String DTYPE_SUFFIX = "_dtype";
}
