package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpzWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] session shared by the Spark tests. */
abstract class SparkTestBase {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[2]").appName("npz-tests")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
          .config("spark.driver.host", "127.0.0.1").getOrCreate();
    }
  }

  @AfterAll
  static void keepSpark() {
    // shared across test classes of this JVM; stopped at exit
  }

  /** x: float32 (n, 3) with x[i][j] = base + i * 10 + j; y: int64 (n,) with y[i] = base + i. */
  static void writeXy(Path file, int base, int n, boolean compress) throws IOException {
    ByteBuffer x = ByteBuffer.allocate(n * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer y = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x.putFloat(base + i * 10 + j);
      }
      y.putLong(base + i);
    }
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        NpzWriter w = compress ? NpzWriter.deflated(out, 6) : NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.of('f', 4), new long[] {n, 3}, x.array()));
      w.add("y", new NpyArray(NpyDtype.of('i', 8), new long[] {n}, y.array()));
    }
  }
}
