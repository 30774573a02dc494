package io.s3dlio.bridge;

import java.net.URL;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskState;
import org.apache.spark.executor.Executor;
import org.apache.spark.executor.ExecutorBackend;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.scheduler.ExecutorResourcesAmounts;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.TaskDescription;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.scheduler.WorkerOffer;
import org.apache.spark.scheduler.cluster.ExecutorInfo;
import org.apache.spark.status.api.v1.ThreadStackTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Enumeration;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Spark cluster manager for tests, master {@code s3dlio-two-hosts[N]}: two executors with N cores
 * each, in this JVM, on the hosts {@code host-a} and {@code host-b}.
 *
 * <p>Why: Spark never runs a speculative task in local mode. {@code TaskSchedulerImpl} starts its
 * speculation checker only when the scheduler is not local, and {@code TaskSetManager} launches a
 * speculative copy only on a host where the task has no attempt yet (one host: never). This manager
 * gives Spark's own scheduler (a non-local {@code TaskSchedulerImpl}, with its {@code TaskSetManager}s
 * and speculation) two hosts, and runs the tasks on Spark's own {@link Executor} (as local mode does,
 * sharing the driver's {@code SparkEnv}); only the hand-over of task offers is written here, the way
 * Spark's {@code LocalSchedulerBackend} does it. Registered through
 * {@code META-INF/services/org.apache.spark.scheduler.ExternalClusterManager} in the test resources.
 */
public final class TwoHostClusterManager implements ExternalClusterManager {
  static final String HOST_A = "host-a";
  static final String HOST_B = "host-b";
  private static final Pattern MASTER = Pattern.compile("s3dlio-two-hosts\\[(\\d+)\\]");

  static String master(int coresPerHost) {
    return "s3dlio-two-hosts[" + coresPerHost + "]";
  }

  @Override
  public boolean canCreate(String masterURL) {
    return MASTER.matcher(masterURL).matches();
  }

  @Override
  public TaskScheduler createTaskScheduler(SparkContext sc, String masterURL) {
    return new TaskSchedulerImpl(sc); // not local: the speculation checker runs
  }

  @Override
  public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterURL, TaskScheduler scheduler) {
    Matcher m = MASTER.matcher(masterURL);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a two-hosts master: " + masterURL);
    }
    return new Backend(sc, (TaskSchedulerImpl) scheduler, Integer.parseInt(m.group(1)));
  }

  @Override
  public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
    ((TaskSchedulerImpl) scheduler).initialize(backend);
  }

  /** Two in-process executors; offers, launches, status updates and kills on one thread, like LocalSchedulerBackend. */
  static final class Backend implements SchedulerBackend, ExecutorBackend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private final SparkContext sc;
    private final TaskSchedulerImpl scheduler;
    private final int coresPerHost;
    private final Map<String, String> hosts = new LinkedHashMap<>(); // executor id -> host
    private final Map<String, Executor> executors = new ConcurrentHashMap<>();
    private final Map<String, Integer> freeCores = new HashMap<>(); // only on the event thread
    private final Map<Long, String> runningOn = new HashMap<>(); // task id -> executor id (event thread)
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "two-hosts-scheduler-backend");
      t.setDaemon(true);
      return t;
    });
    private String appId;

    Backend(SparkContext sc, TaskSchedulerImpl scheduler, int coresPerHost) {
      SchedulerBackend.$init$(this);
      this.sc = sc;
      this.scheduler = scheduler;
      this.coresPerHost = coresPerHost;
      hosts.put("exec-a", HOST_A);
      hosts.put("exec-b", HOST_B);
    }

    @Override
    public void start() {
      Seq<URL> noJars = CollectionConverters.asScala(List.<URL>of()).toSeq();
      for (Map.Entry<String, String> e : hosts.entrySet()) {
        executors.put(e.getKey(), new Executor(e.getKey(), e.getValue(), SparkEnv.get(), noJars, true,
            (t, x) -> LOG.error("uncaught exception in executor {} thread {}", e.getKey(), t.getName(), x),
            scala.collection.immutable.Map$.MODULE$.empty()));
        freeCores.put(e.getKey(), coresPerHost);
        sc.listenerBus().post(new SparkListenerExecutorAdded(System.currentTimeMillis(), e.getKey(),
            new ExecutorInfo(e.getValue(), coresPerHost, scala.collection.immutable.Map$.MODULE$.empty())));
      }
    }

    @Override
    public void stop() {
      events.shutdownNow();
      try {
        events.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executors.values().forEach(Executor::stop);
    }

    @Override
    public void reviveOffers() {
      events.execute(this::offer);
    }

    private void offer() {
      List<WorkerOffer> offers = new ArrayList<>();
      freeCores.forEach((id, free) -> {
        if (free > 0) {
          offers.add(new WorkerOffer(id, hosts.get(id), free, Option.empty(), ExecutorResourcesAmounts.empty(),
              ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID()));
        }
      });
      if (offers.isEmpty()) {
        return;
      }
      for (Seq<TaskDescription> perOffer : CollectionConverters.asJava(
          scheduler.resourceOffers(CollectionConverters.asScala(offers).toIndexedSeq(), true))) {
        for (TaskDescription task : CollectionConverters.asJava(perOffer)) {
          freeCores.merge(task.executorId(), -scheduler.CPUS_PER_TASK(), Integer::sum);
          runningOn.put(task.taskId(), task.executorId());
          executors.get(task.executorId()).launchTask(this, task);
        }
      }
    }

    @Override
    public void statusUpdate(long taskId, Enumeration.Value state, ByteBuffer data) {
      events.execute(() -> {
        scheduler.statusUpdate(taskId, state, data);
        if (TaskState.isFinished(state)) {
          String exec = runningOn.remove(taskId);
          if (exec != null) {
            freeCores.merge(exec, scheduler.CPUS_PER_TASK(), Integer::sum);
          }
          offer();
        }
      });
    }

    @Override
    public void killTask(long taskId, String executorId, boolean interruptThread, String reason) {
      Executor e = executors.get(executorId);
      if (e != null) {
        e.killTask(taskId, interruptThread, reason);
      }
    }

    @Override
    public int defaultParallelism() {
      return sc.conf().getInt("spark.default.parallelism", hosts.size() * coresPerHost);
    }

    @Override
    public int maxNumConcurrentTasks(ResourceProfile rp) {
      return hosts.size() * coresPerHost / scheduler.CPUS_PER_TASK();
    }

    @Override
    public Option<ThreadStackTrace> getTaskThreadDump(long taskId, String executorId) {
      return Option.empty();
    }

    @Override
    public void org$apache$spark$scheduler$SchedulerBackend$_setter_$org$apache$spark$scheduler$SchedulerBackend$$appId_$eq(
        String id) {
      this.appId = id;
    }

    @Override
    public String org$apache$spark$scheduler$SchedulerBackend$$appId() {
      return appId;
    }
  }
}
