package io.s3dlio.it.cluster;

import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Spark standalone cluster on 127.0.0.1: one {@code org.apache.spark.deploy.master.Master} and
 * {@code workers} {@code org.apache.spark.deploy.worker.Worker}s, each a JVM of its own started from
 * this test JVM's class path (the Maven test class path: Spark's jars and this project's modules), no
 * Spark distribution.
 *
 * <p>What a Worker needs to launch executors with jars only (read from Spark 4.2's
 * {@code WorkerCommandBuilder} / {@code AbstractCommandBuilder}): a Spark home with a {@code jars}
 * folder (here an empty one: the executors' class path comes whole from the application's
 * {@code spark.executor.extraClassPath}) and {@code SPARK_SCALA_VERSION} (otherwise it looks for
 * {@code launcher/target/scala-2.13} in the Spark home). Executor output lands in each Worker's
 * work folder ({@code <dir>/work-N/<app>/<executor>/stderr}).
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final String classpath;
  private final List<String> javaOptions;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final String masterUrl;

  private StandaloneCluster(Path dir, String classpath, List<String> javaOptions, int masterPort) throws IOException {
    this.dir = dir;
    this.classpath = classpath;
    this.javaOptions = javaOptions;
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
    this.master = launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(S3ProxyServer.freePort())));
  }

  /**
   * Starts a Master and {@code workers} Workers of {@code coresPerWorker} cores and
   * {@code memoryPerWorker} (Spark's size syntax) each; returns when the Master takes connections
   * (the Workers register by themselves: wait for executors from the application).
   */
  public static StandaloneCluster start(Path dir, int workers, int coresPerWorker, String memoryPerWorker,
      List<String> javaOptions) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("spark-home/jars"));
    StandaloneCluster c = new StandaloneCluster(dir, testClasspath(), javaOptions, S3ProxyServer.freePort());
    try {
      c.awaitMasterPort();
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("work-" + i));
        c.workers.add(c.launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
            "--port", "0", "--webui-port", Integer.toString(S3ProxyServer.freePort()), "--cores",
            Integer.toString(coresPerWorker), "--memory", memoryPerWorker, "--work-dir", work.toString(),
            c.masterUrl)));
      }
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The Maven test class path of this JVM (surefire's, not its manifest-only booter jar). */
  public static String testClasspath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  public String masterUrl() {
    return masterUrl;
  }

  public String classpath() {
    return classpath;
  }

  public Path dir() {
    return dir;
  }

  /** The process handle of {@code pid} if it is an executor launched by one of this cluster's Workers. */
  public Optional<ProcessHandle> executorProcess(long pid) {
    for (Process w : workers) {
      Optional<ProcessHandle> h = w.descendants().filter(p -> p.pid() == pid).findFirst();
      if (h.isPresent()) {
        return h;
      }
    }
    return Optional.empty();
  }

  /** Executor JVMs alive now, over all Workers. */
  public long liveExecutors() {
    return workers.stream().flatMap(Process::descendants).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).count();
  }

  /** The last lines of every daemon log and executor stderr, for a failure message. */
  public String logs() {
    StringBuilder b = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr"))
          .sorted().toList()) {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        b.append("==> ").append(p).append('\n');
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> b.append(l).append('\n'));
      }
    } catch (IOException | UncheckedIOException e) {
      b.append("(logs unreadable: ").append(e).append(")");
    }
    return b.toString();
  }

  private Process launch(String name, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(javaOptions);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().remove("SPARK_CONF_DIR");
    pb.environment().remove("SPARK_DIST_CLASSPATH");
    pb.environment().remove("HADOOP_CONF_DIR");
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("AZURE_"));
    return pb.start();
  }

  private void awaitMasterPort() throws InterruptedException, IOException {
    int port = Integer.parseInt(masterUrl.substring(masterUrl.lastIndexOf(':') + 1));
    long end = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < end) {
      if (!master.isAlive()) {
        throw new IOException("The Spark master exited with " + master.exitValue() + ":\n" + logs());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IOException("The Spark master did not listen on " + masterUrl + " within " + START_TIMEOUT + ":\n"
        + logs());
  }

  /** Stops the Workers (and with them their executors), then the Master. */
  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
