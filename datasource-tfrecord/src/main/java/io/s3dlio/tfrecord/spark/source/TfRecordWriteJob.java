package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordWriteConf;
import io.s3dlio.tfrecord.spark.data.ExampleEncoder;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a DataFrame as TFRecord part files, each with its DALI index written in the same pass.
 *
 * <p>Commit protocol: task attempt {@code t} writes under {@code <out>/_temporary-tfrecord-<job>/attempt-<t>/};
 * a failing attempt deletes its folder; the driver receives the files of successful attempts only
 * (one attempt per partition) and, once every task has succeeded, (for Overwrite) deletes the old
 * contents, renames each part file and its index into place and writes {@code _SUCCESS}. A failed
 * job deletes the whole staging folder: no data file and no index is left behind.
 */
public final class TfRecordWriteJob {
  private TfRecordWriteJob() {
  }

  /** What one task wrote. */
  record WrittenFile(String attemptDir, String relativePath, long records, boolean hasIndex)
      implements Serializable {
  }

  /** Everything a write task needs. */
  record TaskSpec(TfRecordWriteConf conf, StructType schema, int[] dataOrdinals, int[] partitionOrdinals,
      String staging, String jobId) implements Serializable {
  }

  /**
   * Runs the write.
   *
   * @param partitionColumns the partitionBy columns (may be empty)
   */
  public static void write(Dataset<Row> data, String path, SaveMode mode, Map<String, String> options,
      List<String> partitionColumns) {
    try {
      run(data, path, mode, options, partitionColumns);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static void run(Dataset<Row> data, String path, SaveMode mode, Map<String, String> options,
      List<String> partitionColumns) throws IOException {
    Map<String, String> opts = new HashMap<>(options);
    opts.keySet().removeIf(k -> k.equalsIgnoreCase("__partition_columns"));
    TfRecordWriteConf conf = TfRecordWriteConf.parse(opts);
    SparkSession spark = data.sparkSession();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(path);
    FileSystem fs = out.getFileSystem(hadoop);
    out = fs.makeQualified(out);
    boolean exists = fs.exists(out);
    if (exists && mode == SaveMode.ErrorIfExists) {
      throw new IllegalStateException("Cannot write TFRecord to " + out
          + ": the path already exists (SaveMode.ErrorIfExists; use mode append, overwrite or ignore)");
    }
    if (exists && mode == SaveMode.Ignore) {
      return;
    }
    StructType schema = data.schema();
    int[] partOrd = new int[partitionColumns.size()];
    for (int i = 0; i < partOrd.length; i++) {
      String c = partitionColumns.get(i);
      partOrd[i] = -1;
      for (int j = 0; j < schema.size(); j++) {
        if (schema.fields()[j].name().equalsIgnoreCase(c)) {
          partOrd[i] = j;
        }
      }
      if (partOrd[i] < 0) {
        throw new IllegalArgumentException("Cannot partition by " + c + ": no such column in " + schema.simpleString());
      }
    }
    List<Integer> dataOrd = new ArrayList<>();
    outer:
    for (int j = 0; j < schema.size(); j++) {
      for (int p : partOrd) {
        if (p == j) {
          continue outer;
        }
      }
      dataOrd.add(j);
    }
    int[] dataOrdinals = dataOrd.stream().mapToInt(Integer::intValue).toArray();
    new ExampleEncoder(schema, dataOrdinals, conf.recordType()); // fails on a bad schema before any task runs
    String jobId = UUID.randomUUID().toString();
    Path staging = new Path(out, "_temporary-tfrecord-" + jobId);
    TaskSpec spec = new TaskSpec(conf, schema, dataOrdinals, partOrd, staging.toString(), jobId);
    Broadcast<SerializableConf> bc = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConf(hadoop));
    @SuppressWarnings("unchecked")
    JavaRDD<InternalRow> rdd = ((org.apache.spark.sql.classic.Dataset<Row>) data).queryExecution().toRdd()
        .toJavaRDD();
    List<WrittenFile> files;
    String group = "tfrecord-write-" + jobId;
    org.apache.spark.SparkContext sc = spark.sparkContext();
    sc.setJobGroup(group, "TFRecord write to " + out, true);
    try {
      files = rdd.mapPartitions(rows -> TaskWriter.run(spec, bc.value().get(), rows)).collect();
    } catch (Exception e) { // SparkException too, which Scala does not declare
      // The job has failed, but its other tasks may still be running: stop them and wait until
      // none is left before removing what they wrote.
      sc.cancelJobGroup(group);
      awaitNoActiveTasks(sc, group);
      fs.delete(staging, true);
      throw e;
    } finally {
      sc.clearJobGroup();
    }
    try {
      fs.mkdirs(out);
      if (exists && mode == SaveMode.Overwrite) {
        for (FileStatus st : fs.listStatus(out)) {
          if (!st.getPath().getName().equals(staging.getName())) {
            fs.delete(st.getPath(), true);
          }
        }
      }
      for (WrittenFile f : files) {
        move(fs, new Path(f.attemptDir(), f.relativePath()), new Path(out, f.relativePath()));
        if (f.hasIndex()) {
          move(fs, new Path(f.attemptDir(), f.relativePath() + conf.indexSuffix()),
              new Path(out, f.relativePath() + conf.indexSuffix()));
        }
      }
      fs.delete(staging, true);
      fs.create(new Path(out, "_SUCCESS"), true).close();
    } catch (IOException | RuntimeException e) {
      fs.delete(staging, true);
      throw e;
    }
  }

  private static void awaitNoActiveTasks(org.apache.spark.SparkContext sc, String group) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      int active = 0;
      for (int job : sc.statusTracker().getJobIdsForGroup(group)) {
        scala.Option<org.apache.spark.SparkJobInfo> info = sc.statusTracker().getJobInfo(job);
        if (info.isDefined()) {
          for (int stage : info.get().stageIds()) {
            scala.Option<org.apache.spark.SparkStageInfo> si = sc.statusTracker().getStageInfo(stage);
            if (si.isDefined()) {
              active += si.get().numActiveTasks();
            }
          }
        }
      }
      if (active == 0) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }

  private static void move(FileSystem fs, Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    if (!fs.rename(from, to)) {
      throw new IOException("Cannot commit TFRecord part file " + from + " to " + to + ": rename failed");
    }
  }

  /** The work of one task attempt. */
  static final class TaskWriter {
    private TaskWriter() {
    }

    static Iterator<WrittenFile> run(TaskSpec spec, Configuration hadoop, Iterator<InternalRow> rows)
        throws IOException {
      TaskContext tc = TaskContext.get();
      int partition = tc == null ? 0 : tc.partitionId();
      long attempt = tc == null ? 0 : tc.taskAttemptId();
      Path attemptDir = new Path(spec.staging(), "attempt-" + attempt);
      FileSystem fs = attemptDir.getFileSystem(hadoop);
      ExampleEncoder encoder = new ExampleEncoder(spec.schema(), spec.dataOrdinals(), spec.conf().recordType());
      Map<String, PartFile> open = new HashMap<>();
      Map<String, Integer> counters = new HashMap<>();
      List<WrittenFile> done = new ArrayList<>();
      try {
        while (rows.hasNext()) {
          InternalRow row = rows.next();
          String dir = partitionDir(spec, row);
          PartFile f = open.get(dir);
          if (f != null && spec.conf().maxRecordsPerFile() > 0 && f.records() >= spec.conf().maxRecordsPerFile()) {
            done.add(f.close());
            f = null;
          }
          if (f == null) {
            int c = counters.merge(dir, 1, Integer::sum) - 1;
            String rel = dir + String.format("part-%05d-%s-c%03d%s", partition, spec.jobId(), c,
                spec.conf().extension());
            f = new PartFile(fs, attemptDir, rel, spec.conf());
            open.put(dir, f);
          }
          f.write(encoder.encode(row, f.describeNext()));
        }
        for (PartFile f : open.values()) {
          done.add(f.close());
        }
        open.clear();
        return done.iterator();
      } catch (Throwable t) {
        for (PartFile f : open.values()) {
          f.abort();
        }
        fs.delete(attemptDir, true);
        throw t;
      }
    }

    private static String partitionDir(TaskSpec spec, InternalRow row) {
      if (spec.partitionOrdinals().length == 0) {
        return "";
      }
      StringBuilder b = new StringBuilder();
      for (int o : spec.partitionOrdinals()) {
        String v = row.isNullAt(o) ? FileListing.NULL_PARTITION
            : escape(String.valueOf(row.get(o, spec.schema().fields()[o].dataType())));
        b.append(escape(spec.schema().fields()[o].name())).append('=').append(v).append('/');
      }
      return b.toString();
    }

    /** Escapes characters that cannot appear in a folder name as %XX (as Spark does). */
    static String escape(String s) {
      StringBuilder b = new StringBuilder();
      for (char c : s.toCharArray()) {
        if (c < ' ' || "\"#%'*/:=?\\\u007f{[]^+".indexOf(c) >= 0) {
          b.append(String.format("%%%02X", (int) c));
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
  }
}
