package io.s3dlio.tfrecord.spark.index;

import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code --spark} path of {@code s3dlio tfrecord-index}: the CLI command (owned by the codec's
 * cli package) calls {@link #run(String[], PrintStream)} with its arguments. Spark is a provided
 * dependency, so the command should load this class reflectively and run under spark-submit (or
 * with Spark on the class path: the session then defaults to local[*]).
 *
 * <pre>args: PATH_OR_GLOB [--chunk-bytes N] [--suffix .idx] [--force]</pre>
 * Prints {@code <file>\t<records> records} per file; returns the exit code.
 */
public final class SparkIndexCommand {
  private SparkIndexCommand() {
  }

  public static int run(String[] args, PrintStream out) {
    String path = null;
    long chunk = SparkIndexer.DEFAULT_CHUNK_BYTES;
    String suffix = ".idx";
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--chunk-bytes":
          chunk = Long.parseLong(args[++i]);
          break;
        case "--suffix":
          suffix = args[++i];
          break;
        case "--force":
          force = true;
          break;
        default:
          if (path != null) {
            throw new IllegalArgumentException("Cannot index: one path expected, got " + path + " and " + args[i]);
          }
          path = args[i];
      }
    }
    if (path == null) {
      throw new IllegalArgumentException("Cannot index: no path given");
    }
    return run(path, chunk, suffix, force, out);
  }

  /**
   * Indexes every TFRecord file under {@code path} (a file, folder or glob) on the active Spark
   * session, or a new {@code local[*]} one; prints {@code <file>\t<records> records} per file.
   */
  public static int run(String path, long chunk, String suffix, boolean force, PrintStream out) {
    SparkSession.Builder b = SparkSession.builder().appName("s3dlio tfrecord-index --spark");
    if (System.getProperty("spark.master") == null) {
      b.master("local[*]");
    }
    SparkSession spark = b.getOrCreate();
    Map<String, Long> counts = SparkIndexer.index(spark, path, chunk, suffix, force);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      out.println(e.getKey() + "\t" + e.getValue() + " records");
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }
}
