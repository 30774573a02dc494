package io.s3dlio.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3dlio.bridge.plan.RunPlan;
import io.s3dlio.bridge.wire.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feed's listening socket and its runs. A start for an epoch joins that epoch's run when it
 * begins at the same offset and the rank has not been in it yet; otherwise it begins a new run,
 * which replaces every run of that epoch or a later one (a restart from saved state), and a run
 * begun ahead of time that no rank joined.
 */
final class FeedServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedServer.class);
  static final int PROTOCOL = 1;

  private final FeedContext ctx;
  private final byte[] token;
  private final int maxCredits;
  private final Duration handshakeTimeout;
  private final byte[] schemaMessage;
  private final ServerSocket socket;
  private final Thread acceptor;
  private final Set<RankConnection> connections = ConcurrentHashMap.newKeySet();
  private final Map<Long, EpochRun> runs = new HashMap<>();
  private long serial;
  private volatile boolean closed;

  FeedServer(FeedContext ctx, String host, int port, String token, int maxCredits, Duration handshakeTimeout)
      throws IOException {
    this.ctx = ctx;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.maxCredits = maxCredits;
    this.handshakeTimeout = handshakeTimeout;
    this.schemaMessage = ctx.wire().schemaMessage();
    // a channel's socket: each rank's frames are written to its SocketChannel (ChannelFrameWriter)
    this.socket = ServerSocketChannel.open().socket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
    this.acceptor = new Thread(this::accept, "s3dlio-bridge-accept-" + ctx.feedId());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        RankConnection c = new RankConnection(this, s);
        connections.add(c);
        Thread t = new Thread(c, "s3dlio-bridge-conn-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("s3dlio bridge: accept failed: {}", e.toString());
        }
      }
    }
  }

  String host() {
    return socket.getInetAddress().getHostAddress();
  }

  int port() {
    return socket.getLocalPort();
  }

  FeedContext context() {
    return ctx;
  }

  int maxCredits() {
    return maxCredits;
  }

  Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  byte[] schemaMessage() {
    return schemaMessage;
  }

  boolean tokenMatches(String candidate) {
    return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  ObjectNode welcome() {
    return Json.object().put("protocol", PROTOCOL).put("rows", ctx.rows())
        .put("partitions", ctx.partitions().counts().length).put("batch_size", ctx.batchSize())
        .put("world_size", ctx.worldSize()).put("tail", ctx.tail().wireName()).put("seed", ctx.seed())
        .put("block_partitions", ctx.blockPartitions()).put("fingerprint", ctx.fingerprint())
        .put("steps_per_epoch", ctx.tail().steps(ctx.rows(), 0, ctx.globalBatch()))
        .put("reconnect_timeout_ms", ctx.reconnectTimeout().toMillis());
  }

  /** The run a rank's START joins or begins (see the class comment). */
  synchronized EpochRun runFor(int rank, long epoch, long offset, boolean reconnect) {
    if (closed) {
      throw new BridgeException(BridgeException.SHUTDOWN, "the feed is closed");
    }
    EpochRun existing = runs.get(epoch);
    if (reconnect) {
      if (existing != null && existing.offset() == offset) {
        return existing;
      }
      throw new BridgeException(BridgeException.BAD_STATE, "rank " + rank + " cannot resume epoch " + epoch
          + " at row " + offset + ": that run is over (it completed, or a restart replaced it)");
    }
    if (existing != null && existing.offset() == offset && !existing.started(rank)
        && existing.state() != EpochRun.State.COMPLETE) {
      return existing;
    }
    RunPlan plan;
    try {
      plan = new RunPlan(ctx.epochPlan(epoch), offset, ctx.worldSize(), ctx.batchSize(), ctx.tail());
    } catch (IllegalArgumentException e) {
      throw new BridgeException(BridgeException.BAD_STATE, e.getMessage());
    }
    for (Iterator<EpochRun> it = runs.values().iterator(); it.hasNext();) {
      EpochRun r = it.next();
      if (r.epoch() >= epoch || !r.joined()) {
        r.fail(new BridgeException(BridgeException.RESTARTED, "epoch " + r.epoch() + " was restarted by rank " + rank
            + " from row " + offset + " of epoch " + epoch + "; this run is abandoned"), false);
        it.remove();
      }
    }
    EpochRun run = new EpochRun(ctx, plan, ++serial, this::finished);
    runs.put(epoch, run);
    LOG.info("s3dlio bridge: epoch {} from row {}: {} steps of {} x {} rows, {} blocks", epoch, offset, plan.steps(),
        ctx.worldSize(), ctx.batchSize(), plan.units().size());
    return run;
  }

  /**
   * Begins the run of {@code epoch} from its start before any rank asks, so that its first blocks
   * are fetched while the trainers start. A rank that starts elsewhere replaces it.
   */
  synchronized void prefetch(long epoch) {
    if (!runs.containsKey(epoch)) {
      RunPlan plan = new RunPlan(ctx.epochPlan(epoch), 0, ctx.worldSize(), ctx.batchSize(), ctx.tail());
      runs.put(epoch, new EpochRun(ctx, plan, ++serial, this::finished).prefetch());
    }
  }

  private synchronized void finished(EpochRun run) {
    if (run.state() == EpochRun.State.COMPLETE && runs.get(run.epoch()) == run) {
      runs.remove(run.epoch());
    }
  }

  void closed(RankConnection c) {
    connections.remove(c);
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    List<EpochRun> active;
    synchronized (this) {
      active = new ArrayList<>(runs.values());
      runs.clear();
    }
    for (EpochRun r : active) {
      r.fail(new BridgeException(BridgeException.SHUTDOWN, "the feed was closed"), false);
    }
    for (RankConnection c : connections) {
      c.close();
    }
  }
}
