package io.s3dlio.tfrecord.spark;

import io.s3dlio.tfrecord.spark.source.TfRecordMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.command.DataWritingCommandExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Test helpers reading what the Spark UI shows: the rows of a query, the custom metrics and the
 * partition count of its TFRecord scan node, and the metrics of a write command. Sessions that
 * use them run with {@code spark.sql.adaptive.enabled=false}, so that the scan node is in the
 * executed plan itself.
 */
public final class SparkPlans {
  private SparkPlans() {
  }

  /** The rows as sorted strings (arrays and binaries rendered by value). */
  public static List<String> sorted(Dataset<Row> df) {
    return df.collectAsList().stream().map(SparkPlans::render).sorted().collect(Collectors.toList());
  }

  public static String render(Row r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      b.append(v instanceof byte[] ? Arrays.toString((byte[]) v)
          : v instanceof scala.collection.Seq ? CollectionConverters.asJava((scala.collection.Seq<?>) v).toString()
              : String.valueOf(v)).append('|');
    }
    return b.toString();
  }

  /** A query's rows, its scan node's TFRecord metrics and its number of input partitions. */
  public record Read(List<String> rows, Map<String, Long> metrics, int partitions) {
    public long metric(String name) {
      return metrics.get(name);
    }
  }

  /** Runs the query (collect) and reads its one TFRecord scan node. */
  public static Read read(Dataset<Row> df) {
    List<String> rows = sorted(df);
    List<BatchScanExec> scans = new ArrayList<>();
    collect(df.queryExecution().executedPlan(), BatchScanExec.class, scans);
    if (scans.size() != 1) {
      throw new AssertionError("expected one scan node in " + df.queryExecution().executedPlan());
    }
    BatchScanExec scan = scans.get(0);
    Map<String, Long> m = new TreeMap<>();
    for (String name : TfRecordMetrics.NAMES) {
      m.put(name, (Long) scan.metrics().apply(name).value());
    }
    return new Read(rows, m, scan.inputRDD().getNumPartitions());
  }

  /** The partitions Spark plans for a read, without running it. */
  public static int plannedPartitions(Dataset<Row> df) {
    List<BatchScanExec> scans = new ArrayList<>();
    collect(df.queryExecution().executedPlan(), BatchScanExec.class, scans);
    return scans.get(0).inputRDD().getNumPartitions();
  }

  static <T> void collect(SparkPlan plan, Class<T> type, List<T> out) {
    if (type.isInstance(plan)) {
      out.add(type.cast(plan));
    }
    for (SparkPlan c : CollectionConverters.asJava(plan.children())) {
      collect(c, type, out);
    }
  }

  /**
   * Runs a write and returns the metrics Spark's write command shows in the SQL tab
   * ({@code numFiles}, {@code numOutputBytes}, {@code numOutputRows}, {@code numParts}, ...).
   */
  public static Map<String, Long> writeMetrics(SparkSession spark, Runnable write) {
    AtomicReference<QueryExecution> seen = new AtomicReference<>();
    QueryExecutionListener listener = new QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
        List<DataWritingCommandExec> cmds = new ArrayList<>();
        collect(qe.executedPlan(), DataWritingCommandExec.class, cmds);
        if (!cmds.isEmpty()) {
          seen.set(qe);
        }
      }

      @Override
      public void onFailure(String funcName, QueryExecution qe, Exception exception) {
      }
    };
    spark.listenerManager().register(listener);
    try {
      write.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("Spark's listener bus did not drain", e);
    } finally {
      spark.listenerManager().unregister(listener);
    }
    if (seen.get() == null) {
      throw new AssertionError("no write command was reported");
    }
    List<DataWritingCommandExec> cmds = new ArrayList<>();
    collect(seen.get().executedPlan(), DataWritingCommandExec.class, cmds);
    Map<String, Long> out = new TreeMap<>();
    for (Map.Entry<String, SQLMetric> e : CollectionConverters.asJava(cmds.get(0).metrics()).entrySet()) {
      out.put(e.getKey(), e.getValue().value());
    }
    return out;
  }
}
