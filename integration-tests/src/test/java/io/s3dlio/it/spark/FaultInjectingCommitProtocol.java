package io.s3dlio.it.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;
import scala.collection.immutable.Seq;

/**
 * Spark's default commit protocol (SQLHadoopMapReduceCommitProtocol over Hadoop's
 * FileOutputCommitter) with one failure injected, chosen by the write option (and so Hadoop
 * configuration key) {@value #FAULT}, for any file format:
 * <ul>
 *   <li>{@code task-commit}: the commit of task 1 fails after the committer has moved its output
 *       into the job's committed area;</li>
 *   <li>{@code job-commit}: job commit fails after the output of one task was published into the
 *       destination, as FileOutputCommitter's merge does it (file by file, by rename).</li>
 * </ul>
 * Set with {@code spark.sql.sources.commitProtocolClass}.
 */
public class FaultInjectingCommitProtocol extends SQLHadoopMapReduceCommitProtocol {
  private static final long serialVersionUID = 1L;

  public static final String FAULT = "s3dlio.test.commitFault";
  public static final String TASK_COMMIT = "task-commit";
  public static final String JOB_COMMIT = "job-commit";

  private transient OutputCommitter committer;

  public FaultInjectingCommitProtocol(String jobId, String path, boolean dynamicPartitionOverwrite) {
    super(jobId, path, dynamicPartitionOverwrite);
  }

  @Override
  public OutputCommitter setupCommitter(TaskAttemptContext context) {
    committer = super.setupCommitter(context);
    return committer;
  }

  @Override
  public FileCommitProtocol.TaskCommitMessage commitTask(TaskAttemptContext context) {
    FileCommitProtocol.TaskCommitMessage message = super.commitTask(context);
    if (TASK_COMMIT.equals(context.getConfiguration().get(FAULT))
        && context.getTaskAttemptID().getTaskID().getId() == 1) {
      throw new IllegalStateException("injected failure in the commit of task 1 (its output is committed)");
    }
    return message;
  }

  @Override
  public void commitJob(JobContext context, Seq<FileCommitProtocol.TaskCommitMessage> taskCommits) {
    if (JOB_COMMIT.equals(context.getConfiguration().get(FAULT))) {
      String published = publishFirstTask(context);
      throw new IllegalStateException("injected failure in job commit after publishing " + published);
    }
    super.commitJob(context, taskCommits);
  }

  /** Moves the first committed task's output into the destination, as FileOutputCommitter.mergePaths does. */
  private String publishFirstTask(JobContext context) {
    FileOutputCommitter foc = (FileOutputCommitter) committer;
    try {
      Path jobAttempt = foc.getJobAttemptPath(context);
      FileSystem fs = jobAttempt.getFileSystem(context.getConfiguration());
      // The job attempt folder (_temporary/0) is the same for every job writing the table, and an
      // object store can still list an earlier job's task folder there as an empty prefix after
      // that job's cleanup deleted its objects (listing it then fails): publish the first task
      // folder that holds output. (Spark's job context names no job whose id the tasks share.)
      FileStatus[] listed = fs.listStatus(jobAttempt, p -> p.getName().startsWith("task_"));
      Arrays.sort(listed, Comparator.comparing(FileStatus::getPath));
      List<FileStatus> tasks = new ArrayList<>();
      for (FileStatus task : listed) {
        if (holdsOutput(fs, task.getPath())) {
          tasks.add(task);
        }
      }
      if (tasks.isEmpty()) {
        throw new IOException("no committed task output under " + jobAttempt + " (listed " + Arrays.toString(listed) + ")");
      }
      merge(fs, tasks.get(0), foc.getOutputPath());
      return tasks.get(0).getPath().getName() + " of " + tasks.size();
    } catch (IOException e) {
      throw new IllegalStateException("cannot inject the job commit failure: " + e, e);
    }
  }

  private static boolean holdsOutput(FileSystem fs, Path dir) throws IOException {
    try {
      return fs.listStatus(dir).length > 0;
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  private static void merge(FileSystem fs, FileStatus from, Path to) throws IOException {
    for (FileStatus child : fs.listStatus(from.getPath())) {
      Path target = new Path(to, child.getPath().getName());
      if (child.isDirectory() && fs.exists(target)) {
        merge(fs, child, target);
      } else {
        if (fs.exists(target)) {
          fs.delete(target, true);
        }
        fs.mkdirs(to);
        if (!fs.rename(child.getPath(), target)) {
          throw new IOException("rename " + child.getPath() + " to " + target + " failed");
        }
      }
    }
  }
}
