package io.s3dlio.npz.spark;

import java.io.Serializable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;

/**
 * The default file filter of a read without {@code pathGlobFilter}: files named {@code *.npz}
 * ({@link Npz}) or {@code *.npy} ({@link Npy}). It is handed to Spark's file index as Hadoop's
 * input path filter ({@value #KEY}, which Spark's listing applies to every file it lists), so the
 * index holds only the files the source reads: {@code df.inputFiles()}, partition discovery and
 * the planning see no other file, and the test is a suffix test made while listing (a default
 * {@code pathGlobFilter} would be a regular expression per file and per listing pass).
 */
public abstract class NpzPathFilter implements PathFilter, Serializable {
  private static final long serialVersionUID = 1L;

  /** Hadoop's setting for the input path filter class ({@code FileInputFormat.PATHFILTER_CLASS}). */
  static final String KEY = "mapreduce.input.pathFilter.class";

  private final String suffix;

  NpzPathFilter(String format) {
    this.suffix = "." + format;
  }

  @Override
  public boolean accept(Path path) {
    return path.getName().endsWith(suffix);
  }

  /**
   * Whether every file Spark's index lists for a read with {@code options} is one the read uses:
   * the read gives a {@code pathGlobFilter} (Spark's listing applied it; {@link NpzOptions#reads}
   * then takes every file), or the listing's input path filter is this source's default for the
   * format (as {@link NpzDataSourceV2} sets it). Otherwise (a path filter of the user's) each file
   * must be tested with {@link NpzOptions#reads}.
   */
  static boolean listsOnlyRead(NpzOptions parsed, org.apache.spark.sql.util.CaseInsensitiveStringMap options) {
    return parsed.hasPathGlobFilter() || of(parsed.format()).getName().equals(options.get(KEY));
  }

  /** The filter class of {@code format} ("npz" or "npy"). */
  static Class<? extends NpzPathFilter> of(String format) {
    return "npy".equals(format) ? Npy.class : Npz.class;
  }

  /** {@code *.npz}. */
  public static final class Npz extends NpzPathFilter {
    private static final long serialVersionUID = 1L;

    public Npz() {
      super("npz");
    }
  }

  /** {@code *.npy}. */
  public static final class Npy extends NpzPathFilter {
    private static final long serialVersionUID = 1L;

    public Npy() {
      super("npy");
    }
  }
}
