package io.s3dlio.npz.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The per-query and per-row plumbing of a read: the Hadoop configuration broadcast once per
 * distinct configuration, the task metrics reported without allocating, the first file found
 * without a string per path.
 */
class TestReadPlumbing extends SparkTestBase {

  private static Configuration conf(String value) {
    return spark.sessionState().newHadoopConfWithOptions(Scala.map(Map.of("npz.test.key", value)));
  }

  @Test
  void theConfigurationIsBroadcastOncePerDistinctConfiguration() {
    ConfBroadcasts.clear();
    Configuration c1 = conf("one");
    Broadcast<SerializableConfiguration> b1 = ConfBroadcasts.of(spark.sparkContext(), c1);
    // an equal configuration (another object, as each read builds its own) gets the same broadcast
    assertSame(b1, ConfBroadcasts.of(spark.sparkContext(), conf("one")));
    // any difference in a key's value makes another
    Broadcast<SerializableConfiguration> b2 = ConfBroadcasts.of(spark.sparkContext(), conf("two"));
    assertNotSame(b1, b2);
    assertEquals("one", b1.value().value().get("npz.test.key"));
    assertEquals("two", b2.value().value().get("npz.test.key"));
    // the broadcast holds a copy: changing the caller's object later does not reach the tasks
    c1.set("npz.test.key", "changed");
    assertEquals("one", b1.value().value().get("npz.test.key"));
    Configuration c3 = conf("one");
    c3.set("npz.test.other", "x");
    assertNotSame(b1, ConfBroadcasts.of(spark.sparkContext(), c3));
    // only the last few distinct configurations are kept
    for (int i = 0; i < ConfBroadcasts.KEPT; i++) {
      ConfBroadcasts.of(spark.sparkContext(), conf("filler" + i));
    }
    assertNotSame(b1, ConfBroadcasts.of(spark.sparkContext(), conf("one")));
  }

  @Test
  void taskMetricsAreTheNonZeroCountersAsViewsReportedInTheSameArray() {
    ReadCounters c = new ReadCounters();
    assertEquals(0, c.values().length, "nothing counted, nothing reported");
    c.arrayRead();
    CustomTaskMetric[] first = c.values();
    assertEquals(List.of(NpzMetrics.ARRAYS_READ + "=1"), describe(first));
    c.arrayRead();
    assertSame(first, c.values(), "the same metrics are reported in the same array");
    assertEquals(List.of(NpzMetrics.ARRAYS_READ + "=2"), describe(first), "read from the counters");
    c.corruptFileSkipped();
    CustomTaskMetric[] second = c.values();
    assertEquals(List.of(NpzMetrics.ARRAYS_READ + "=2", NpzMetrics.CORRUPT_FILES_SKIPPED + "=1"), describe(second));
    // a later reader of the task continues from these values
    ReadCounters next = new ReadCounters();
    next.init(second);
    next.missingFileSkipped();
    assertEquals(List.of(NpzMetrics.ARRAYS_READ + "=2", NpzMetrics.CORRUPT_FILES_SKIPPED + "=1",
        NpzMetrics.MISSING_FILES_SKIPPED + "=1"), describe(next.values()));
  }

  private static List<String> describe(CustomTaskMetric[] metrics) {
    List<String> out = new ArrayList<>();
    for (CustomTaskMetric m : metrics) {
      out.add(m.name() + "=" + m.value());
    }
    return out;
  }

  @Test
  void theFirstFileIsTheOneWithTheSmallestPathString() {
    List<FileStatus> files = new ArrayList<>();
    for (String p : new String[] {"file:/d/b.npz", "file:/d/a%20b.npz", "s3://bkt/a.npz", "file:/c/z.npz",
        "s3://a/z.npz", "file:/d/a.npz"}) {
      files.add(new FileStatus(1, false, 1, 1, 0, new Path(p)));
    }
    files.add(0, new FileStatus(0, true, 1, 1, 0, new Path("file:/a"))); // folders are skipped
    String expected = files.stream().filter(FileStatus::isFile).map(f -> f.getPath().toString()).sorted()
        .findFirst().orElseThrow();
    assertEquals(expected, NpzSchemas.firstByPath(files).getPath().toString());
    for (int i = 0; i < 20; i++) {
      java.util.Collections.shuffle(files, new java.util.Random(i));
      assertEquals(expected, NpzSchemas.firstByPath(files).getPath().toString());
    }
    assertNull(NpzSchemas.firstByPath(List.of(new FileStatus(0, true, 1, 1, 0, new Path("file:/a")))));
  }
}
