package io.s3dlio.it.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;
import org.apache.spark.internal.io.FileNameSpec;
import org.apache.spark.internal.io.HadoopMapReduceCommitProtocol;
import scala.Option;

/**
 * Spark's commit protocol bound to whatever committer Hadoop's {@link PathOutputCommitterFactory}
 * chooses for the destination (per scheme: {@code mapreduce.outputcommitter.factory.scheme.<s>},
 * e.g. S3A's {@code S3ACommitterFactory} or the {@code ManifestCommitterFactory}), with each task's
 * files written under that committer's work path. This is what Spark's
 * {@code org.apache.spark.internal.io.cloud.PathOutputCommitProtocol} (module spark-hadoop-cloud)
 * does, which production deployments use; that artifact is not published for Spark 4.2.0 on the
 * Maven repository the build resolves from, so the tests carry this minimal stand-in: Spark's
 * {@link HadoopMapReduceCommitProtocol} gives the committer's work path only to a
 * {@code FileOutputCommitter} and would write every other committer's files straight into the
 * destination. Dynamic partition overwrite is refused (as Spark's class does for committers
 * without that capability). Set with {@code spark.sql.sources.commitProtocolClass}.
 */
public class PathOutputCommitProtocol extends HadoopMapReduceCommitProtocol {
  private static final long serialVersionUID = 1L;

  /** The job id Spark gives committers (read by S3A's and the manifest committer). */
  static final String WRITE_UUID = "spark.sql.sources.writeJobUUID";

  private final String jobId;
  private final String destination;
  private transient PathOutputCommitter committer;

  public PathOutputCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
    super(jobId, path, false);
    if (dynamicPartitionOverwrite) {
      throw new IllegalArgumentException("PathOutputCommitProtocol: dynamic partition overwrite is not supported"
          + " (writing " + path + ")");
    }
    this.jobId = jobId;
    this.destination = path;
  }

  /**
   * Spark 4.2 sets {@value #WRITE_UUID} (the job's id for committers) only after job setup, and
   * passes job setup a context without a job id: the manifest committer then fails in setupJob
   * (NullPointerException in ManifestCommitterSupport.buildJobUUID). Job setup gets this protocol's
   * job id when the key is unset; Spark then overwrites it with its own, which the tasks and job
   * commit see (the tests assert every row committed and no staging left behind).
   */
  @Override
  public void setupJob(JobContext jobContext) {
    Configuration conf = jobContext.getConfiguration();
    if (conf.getTrimmed(WRITE_UUID, "").isEmpty()) {
      conf.set(WRITE_UUID, jobId);
    }
    super.setupJob(jobContext);
  }

  @Override
  public OutputCommitter setupCommitter(TaskAttemptContext context) {
    Path dest = new Path(destination);
    try {
      committer = PathOutputCommitterFactory.createCommitter(dest, context);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the committer for " + dest + ": " + e.getMessage(), e);
    }
    return committer;
  }

  @Override
  public String newTaskTempFile(TaskAttemptContext context, Option<String> dir, FileNameSpec spec) {
    Path work;
    try {
      work = committer.getWorkPath();
    } catch (IOException e) {
      throw new UncheckedIOException("No work path from " + committer + ": " + e.getMessage(), e);
    }
    Path parent = dir.isDefined() ? new Path(work, dir.get()) : work;
    return new Path(parent, getFilename(context, spec)).toString();
  }
}
