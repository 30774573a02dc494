package io.s3dlio.bridge.spark;

import io.s3dlio.bridge.arrow.WireSchema;
import io.s3dlio.bridge.plan.PartitionTask;
import io.s3dlio.bridge.upload.UploadTarget;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.types.StructType;
import scala.Function2;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * The DataFrame's partitions, fetched by Spark jobs. The physical plan is fixed once (the same
 * {@code RDD[InternalRow]} for every job), so a partition id means the same rows each time, as long
 * as the input is deterministic; the checksums tell when it is not.
 */
public final class DataFrameSource {
  private final SparkContext sc;
  private final StructType schema;
  private final WireSchema wire;
  private final RDD<InternalRow> rdd;
  private final Dataset<Row> df;

  public DataFrameSource(Dataset<Row> df, WireSchema wire) {
    this.sc = df.sparkSession().sparkContext();
    this.df = df;
    this.schema = df.schema();
    this.wire = wire;
    this.rdd = df.queryExecution().toRdd();
  }

  /** Whether the physical plan has a shuffle or broadcast exchange (looking through adaptive execution). */
  static boolean hasExchange(SparkPlan plan) {
    if (plan instanceof Exchange) {
      return true;
    }
    if (plan instanceof AdaptiveSparkPlanExec a) {
      return hasExchange(a.inputPlan());
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (hasExchange(child)) {
        return true;
      }
    }
    return false;
  }

  public int partitions() {
    return rdd.getNumPartitions();
  }

  /**
   * Row count of every partition (one Spark job). Without an exchange in the plan the partitions
   * are those of its sources (or of the cache), so the rows are counted without reading any column,
   * and each partition's checksum is recorded by its first fetch. With an exchange, whose partitions
   * may depend on the columns read, every row is read and checksummed here.
   */
  public PartitionStats stats(String description) {
    sc.setJobDescription(description);
    try {
      if (!hasExchange(df.queryExecution().executedPlan())) {
        RDD<InternalRow> pruned = df.select().queryExecution().toRdd();
        if (pruned.getNumPartitions() == partitions()) {
          return collect(run(pruned, new PartitionFunctions.Counts(), all(), long[].class), false);
        }
      }
      return collect(run(rdd, new PartitionFunctions.Stats(schema), all(), long[].class), true);
    } finally {
      sc.setJobDescription(null);
    }
  }

  private int[] all() {
    int[] ids = new int[partitions()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    return ids;
  }

  /** One job: {@code fn}'s result for each of {@code partitions}, in their order. */
  @SuppressWarnings("unchecked")
  private <U> U[] run(RDD<InternalRow> over, Function2<TaskContext, Iterator<InternalRow>, U> fn, int[] partitions,
      Class<U> type) {
    Seq<Object> ids = CollectionConverters.asScala(Arrays.stream(partitions).boxed().map(i -> (Object) i).toList())
        .toSeq();
    return (U[]) sc.runJob(over, fn, ids, ClassTag$.MODULE$.apply(type));
  }

  private PartitionStats collect(long[][] rows, boolean checksummed) {
    long[] counts = new long[partitions()];
    int[] checksums = new int[partitions()];
    for (long[] r : rows) {
      counts[(int) r[0]] = r[1];
      checksums[(int) r[0]] = (int) r[2];
    }
    return new PartitionStats(counts, checksums, checksummed);
  }

  /**
   * Runs one Spark job over the partitions of {@code tasks} and returns what each task encoded (or
   * the receipt of its upload to {@code target}; null: the data comes as task results), in the
   * order of {@code tasks}. Spark keeps one result per partition (the first successful attempt), so
   * retried and speculative attempts add nothing.
   */
  public List<EncodedPartition> fetch(String jobGroup, String description, PartitionTask[] tasks,
      UploadTarget target) {
    Map<Integer, PartitionTask> byId = new HashMap<>();
    int[] ids = new int[tasks.length];
    for (int i = 0; i < tasks.length; i++) {
      byId.put(tasks[i].partition(), tasks[i]);
      ids[i] = tasks[i].partition();
    }
    sc.setJobGroup(jobGroup, description, true);
    try {
      return List.of(run(rdd, new PartitionFunctions.Encode(schema, wire, byId, target), ids, EncodedPartition.class));
    } finally {
      sc.clearJobGroup();
    }
  }

  public void cancel(String jobGroup) {
    sc.cancelJobGroup(jobGroup);
  }
}
