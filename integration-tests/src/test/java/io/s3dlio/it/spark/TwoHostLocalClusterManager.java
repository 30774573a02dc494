package io.s3dlio.it.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskState;
import org.apache.spark.executor.Executor;
import org.apache.spark.executor.ExecutorBackend;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.scheduler.ExecutorResourcesAmounts;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.TaskDescription;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.scheduler.WorkerOffer;
import org.apache.spark.status.api.v1.ThreadStackTrace;
import org.apache.spark.util.SystemClock;
import scala.Enumeration;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark in this JVM, scheduled as a cluster of two hosts: master {@code s3dlio-two-hosts[N]} (N
 * cores per host). Spark's local mode runs no speculation ({@code TaskSchedulerImpl} starts the
 * speculation checks only when not local) and a speculative copy never runs on a host where its
 * task already runs: here the scheduler is a cluster one and offers two hosts, both served by one
 * in-process executor, so {@code spark.speculation} and task retries behave as on a cluster.
 * Registered through {@code META-INF/services/org.apache.spark.scheduler.ExternalClusterManager}.
 */
public final class TwoHostLocalClusterManager implements ExternalClusterManager {
  public static final String MASTER_PREFIX = "s3dlio-two-hosts[";

  public static String master(int coresPerHost) {
    return MASTER_PREFIX + coresPerHost + "]";
  }

  @Override
  public boolean canCreate(String masterURL) {
    return masterURL.startsWith(MASTER_PREFIX);
  }

  @Override
  public TaskScheduler createTaskScheduler(SparkContext sc, String masterURL) {
    int maxFailures = sc.conf().getInt("spark.task.maxFailures", 4);
    return new TaskSchedulerImpl(sc, maxFailures, false, new SystemClock());
  }

  @Override
  public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterURL, TaskScheduler scheduler) {
    int cores = Integer.parseInt(masterURL.substring(MASTER_PREFIX.length(), masterURL.length() - 1));
    return new Backend((TaskSchedulerImpl) scheduler, cores);
  }

  @Override
  public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
    ((TaskSchedulerImpl) scheduler).initialize(backend);
  }

  /** Offers two hosts' cores; runs every task on the one in-process executor. */
  static final class Backend implements SchedulerBackend, ExecutorBackend {
    private static final String[] HOSTS = {"host-a", "host-b"};

    private final TaskSchedulerImpl scheduler;
    private final int coresPerHost;
    /** Every scheduling step runs on this one thread (as LocalSchedulerBackend's endpoint). */
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "two-host-backend");
      t.setDaemon(true);
      return t;
    });
    private final Map<String, Integer> freeCores = new HashMap<>();
    private final Map<Long, String> running = new HashMap<>();
    private Executor executor;
    private String appId;

    Backend(TaskSchedulerImpl scheduler, int coresPerHost) {
      this.scheduler = scheduler;
      this.coresPerHost = coresPerHost;
      SchedulerBackend.$init$(this);
    }

    @Override
    public void start() {
      for (String h : HOSTS) {
        freeCores.put("exec-" + h, coresPerHost);
      }
      executor = new Executor("driver", "localhost", SparkEnv.get(),
          CollectionConverters.asScala(new ArrayList<java.net.URL>()).toSeq(), true,
          Thread.getDefaultUncaughtExceptionHandler(), scala.collection.immutable.Map.from(
              CollectionConverters.asScala(new HashMap<String, org.apache.spark.resource.ResourceInformation>())));
    }

    @Override
    public void stop() {
      events.shutdownNow();
      if (executor != null) {
        executor.stop();
      }
    }

    @Override
    public void reviveOffers() {
      events.execute(this::offer);
    }

    private void offer() {
      List<WorkerOffer> offers = new ArrayList<>();
      for (String h : HOSTS) {
        String exec = "exec-" + h;
        if (freeCores.get(exec) > 0) {
          offers.add(new WorkerOffer(exec, h, freeCores.get(exec), Option.empty(),
              ExecutorResourcesAmounts.empty(), ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID()));
        }
      }
      if (offers.isEmpty()) {
        return;
      }
      for (scala.collection.immutable.Seq<TaskDescription> perOffer : CollectionConverters.asJava(
          scheduler.resourceOffers(CollectionConverters.asScala(offers).toIndexedSeq(), true))) {
        for (TaskDescription task : CollectionConverters.asJava(perOffer)) {
          freeCores.merge(task.executorId(), -1, Integer::sum);
          running.put(task.taskId(), task.executorId());
          executor.launchTask(this, task);
        }
      }
    }

    @Override
    public void statusUpdate(long taskId, Enumeration.Value state, ByteBuffer data) {
      scheduler.statusUpdate(taskId, state, data);
      if (TaskState.isFinished(state)) {
        events.execute(() -> {
          String exec = running.remove(taskId);
          if (exec != null) {
            freeCores.merge(exec, 1, Integer::sum);
          }
          offer();
        });
      }
    }

    @Override
    public void killTask(long taskId, String executorId, boolean interruptThread, String reason) {
      executor.killTask(taskId, interruptThread, reason);
    }

    @Override
    public int defaultParallelism() {
      return HOSTS.length * coresPerHost;
    }

    @Override
    public int maxNumConcurrentTasks(ResourceProfile rp) {
      return HOSTS.length * coresPerHost;
    }

    @Override
    public Option<ThreadStackTrace> getTaskThreadDump(long taskId, String executorId) {
      return Option.empty();
    }

    @Override
    public String org$apache$spark$scheduler$SchedulerBackend$$appId() {
      return appId;
    }

    @Override
    public void org$apache$spark$scheduler$SchedulerBackend$_setter_$org$apache$spark$scheduler$SchedulerBackend$$appId_$eq(
        String v) {
      this.appId = v;
    }
  }
}
