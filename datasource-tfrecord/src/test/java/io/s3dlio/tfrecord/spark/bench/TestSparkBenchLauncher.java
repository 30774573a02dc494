package io.s3dlio.tfrecord.spark.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs {@link TfRecordSparkBench} on surefire's class path, only when asked:
 * {@code -Ds3dlio.bench.rows=200000} (skipped otherwise).
 */
class TestSparkBenchLauncher {
  @Test
  @EnabledIfSystemProperty(named = "s3dlio.bench.rows", matches = "\\d+")
  void bench() throws Exception {
    TfRecordSparkBench.main(new String[] {System.getProperty("s3dlio.bench.rows"), "target/bench"});
  }
}
