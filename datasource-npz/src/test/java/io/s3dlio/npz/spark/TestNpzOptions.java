package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options: parsed once, camelCase, validated; unknown ones rejected with the valid list. */
class TestNpzOptions extends SparkTestBase {
  @TempDir
  Path dir;

  private static final String VALID = "Valid options: arrays, basePath, compression, ignoreCorruptFiles,"
      + " ignoreInvalidPartitionPaths, ignoreMissingFiles, layout, maxPartitionBytes, maxRecordsPerFile, modifiedAfter, modifiedBefore,"
      + " openCostInBytes, partitionOverwriteMode, path, pathGlobFilter, paths, recursiveFileLookup, timeZone; and Hadoop settings"
      + " (keys with a dot, such as fs.s3dlio.s3.endpoint)";

  @Test
  void parsesTypedValues() {
    NpzOptions o = NpzOptions.parse("npz", Map.of("LAYOUT", "Sample", "arrays", " x, y ,", "maxPartitionBytes", "2m",
        "compression", "DEFLATE", "fs.s3dlio.s3.endpoint", "http://127.0.0.1:1", "pathGlobFilter", "*.npz"));
    assertThat(o.layout()).isEqualTo(Layout.SAMPLE);
    assertThat(o.arrays()).containsExactly("x", "y");
    assertThat(o.maxPartitionBytes()).contains(2L << 20);
    assertThat(o.deflate()).isTrue();
    assertThat(NpzOptions.parse("npz", Map.of("openCostInBytes", "64k")).openCostInBytes()).contains(65536L);
    assertThat(NpzOptions.parse("npz", Map.of("OPENCOSTINBYTES", "0")).openCostInBytes()).contains(0L);
    // without a pathGlobFilter only *.npz files are read; with one, whatever Spark's filter lets through
    assertThat(o.reads("README.txt")).isTrue();
    assertThat(NpzOptions.parse("npz", Map.of()).reads("f.npz")).isTrue();
    assertThat(NpzOptions.parse("npz", Map.of()).reads("f.npz.crc")).isFalse();
    assertThat(NpzOptions.parse("npy", Map.of()).reads("f.npy")).isTrue();
    NpzOptions d = NpzOptions.parse("npy", Map.of());
    assertThat(d.layout()).isEqualTo(Layout.FILE);
    assertThat(d.arrays()).isEmpty();
    assertThat(d.maxPartitionBytes()).isEmpty();
    assertThat(d.openCostInBytes()).isEmpty();
    assertThat(d.deflate()).isFalse();
  }

  @Test
  void rejectsUnknownAndOldSpellings() {
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("split-size", "1m")))
        .hasMessage("Cannot use option 'split-size' with format npz: unknown option. " + VALID);
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("layuot", "sample")))
        .hasMessageStartingWith("Cannot use option 'layuot' with format npz: unknown option.");
  }

  @Test
  void rejectsBadValues() {
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("layout", "rows")))
        .hasMessage("Cannot use layout 'rows': expected 'file' or 'sample'");
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("compression", "zstd")))
        .hasMessage("Cannot use option compression='zstd': expected 'none' or 'deflate'");
    assertThatThrownBy(() -> NpzOptions.parse("npy", Map.of("compression", "deflate")))
        .hasMessage("Cannot use option compression='deflate' with format npy: only .npz members can be compressed");
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("maxPartitionBytes", "lots")))
        .hasMessage("Cannot use option maxPartitionBytes='lots': not a size (examples: 134217728, 128m, 1g)");
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("maxPartitionBytes", "0")))
        .hasMessage("Cannot use option maxPartitionBytes='0': must be positive");
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("openCostInBytes", "-1")))
        .hasMessageStartingWith("Cannot use option openCostInBytes='-1': ");
    assertThatThrownBy(() -> NpzOptions.parse("npz", Map.of("arrays", " , ")))
        .hasMessage("Cannot use option arrays=' , ': no array names");
  }

  @Test
  void sparkReadsAndWritesRejectUnknownOptions() throws Exception {
    writeXy(dir.resolve("in/a.npz"), 0, 3, false);
    assertThatThrownBy(() -> spark.read().format("npz").option("split-size", "1m").load(dir.resolve("in").toString()))
        .hasMessage("Cannot use option 'split-size' with format npz: unknown option. " + VALID);
    assertThatThrownBy(() -> spark.range(3).selectExpr("array(id) as x").write().format("npy")
        .option("max-records-per-file", "1").save(dir.resolve("out").toString()))
        .hasMessage("Cannot use option 'max-records-per-file' with format npy: unknown option. " + VALID);
    assertThat(files(dir.resolve("out"))).isEmpty();
  }
}
