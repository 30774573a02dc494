package io.s3dlio.it.cluster;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;

/**
 * Holds Spark tasks in executor JVMs (on this machine) until the test opens the gate, through files
 * in a folder: each task attempt, at its first row, writes {@code started-<stage>-<partition>-<attempt>}
 * holding its executor's process id and waits for the file {@code open}. Used as the body of a UDF
 * so that a job stops in the middle of its tasks (their input or output streams open) while the test
 * kills an executor. Once opened, tasks pass without waiting. A gate made for the jobs whose
 * description contains a given text holds only their tasks; tasks of other jobs pass.
 */
public final class TaskGate implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long MAX_WAIT_MS = 120_000;
  private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
  private static final Set<String> OPENED = ConcurrentHashMap.newKeySet();

  private final String dir;
  private final String onlyJobs;

  /** A gate for the tasks of every job. */
  public TaskGate(Path dir) {
    this(dir, null);
  }

  /**
   * A gate for the tasks of the jobs whose description ({@code SparkContext.setJobDescription} or
   * {@code setJobGroup}) contains {@code jobDescriptionContains}; null: every job.
   */
  public TaskGate(Path dir, String jobDescriptionContains) {
    this.dir = dir.toString();
    this.onlyJobs = jobDescriptionContains;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** In a task: records the attempt, waits until the gate is open, returns {@code value}. */
  public long pass(long value) {
    TaskContext tc = TaskContext.get();
    if (onlyJobs != null && !String.valueOf(tc.getLocalProperty("spark.job.description")).contains(onlyJobs)) {
      return value;
    }
    String name = "started-" + tc.stageId() + "." + tc.stageAttemptNumber() + "-" + tc.partitionId() + "-"
        + tc.attemptNumber();
    if (STARTED.add(dir + "/" + name)) {
      write(Path.of(dir, name), Long.toString(ProcessHandle.current().pid()));
    }
    if (!OPENED.contains(dir)) {
      long end = System.currentTimeMillis() + MAX_WAIT_MS;
      while (!Files.exists(Path.of(dir, "open")) && System.currentTimeMillis() < end) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted at the gate " + dir, e);
        }
      }
      OPENED.add(dir);
    }
    return value;
  }

  /** In the test: process ids of the executors whose tasks reached the gate so far. */
  public Set<Long> executorsWaiting() {
    Set<Long> pids = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("started-")).toList()) {
        String s = Files.readString(p, StandardCharsets.US_ASCII).trim();
        if (!s.isEmpty()) {
          pids.add(Long.parseLong(s));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  /** In the test: the task attempts that reached the gate, as {@code <stage>.<stage attempt>-<partition>-<attempt>}. */
  public Set<String> attemptsStarted() {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("started-"))
          .forEach(n -> out.add(n.substring("started-".length())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** In the test: lets every waiting and later task through. */
  public void open() {
    write(Path.of(dir, "open"), "open");
  }

  private static void write(Path file, String text) {
    try {
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
