package io.s3dlio.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3dlio.bridge.wire.ChannelFrameWriter;
import io.s3dlio.bridge.wire.FrameException;
import io.s3dlio.bridge.wire.FrameType;
import io.s3dlio.bridge.wire.Frames;
import io.s3dlio.bridge.wire.Frames.Frame;
import io.s3dlio.bridge.wire.Json;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trainer connection: a reader thread (this) for the handshake, starts and acknowledgements, and a
 * sender thread per run that writes the rank's batches as its credits allow.
 */
final class RankConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RankConnection.class);
  static final int BATCH_HEADER = 32;
  private static final int MAX_CONTROL_PAYLOAD = 1 << 20;

  private final FeedServer server;
  private final Socket socket;
  private final String peer;
  private final DataInputStream in;
  /** Writes every frame to this rank; its monitor serialises them. */
  private final ChannelFrameWriter out;
  private int rank = -1;
  private int credits;
  private EpochRun run;

  RankConnection(FeedServer server, Socket socket) throws IOException {
    this.server = server;
    this.socket = socket;
    this.peer = String.valueOf(socket.getRemoteSocketAddress());
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 14));
    if (socket.getChannel() == null) {
      throw new IllegalArgumentException("a rank's socket must come from a SocketChannel");
    }
    this.out = new ChannelFrameWriter(socket.getChannel());
  }

  @Override
  public void run() {
    boolean leaving = false;
    try {
      if (!handshake()) {
        return;
      }
      while (true) {
        Frame f = Frames.read(in, MAX_CONTROL_PAYLOAD);
        switch (f.type()) {
          case FrameType.START -> start(Json.parse(f.type(), f.payload()));
          case FrameType.ACK -> ack(f.payload());
          case FrameType.BYE -> {
            leaving = true;
            return;
          }
          default -> throw new BridgeException(BridgeException.BAD_REQUEST, "unexpected " + FrameType.name(f.type())
              + " frame from rank " + rank);
        }
      }
    } catch (BridgeException e) {
      LOG.warn("s3dlio bridge: closing the connection of rank {} from {}: {}", rank, peer, e.getMessage());
      error(e);
    } catch (EOFException | SocketTimeoutException e) {
      LOG.debug("s3dlio bridge: connection of rank {} from {} closed", rank, peer);
    } catch (FrameException e) {
      LOG.warn("s3dlio bridge: bad frame from rank {} at {}: {}", rank, peer, e.getMessage());
      error(new BridgeException(BridgeException.BAD_REQUEST, e.getMessage()));
    } catch (IOException e) {
      LOG.info("s3dlio bridge: connection of rank {} from {} lost: {}", rank, peer, e.toString());
    } finally {
      EpochRun r;
      synchronized (this) {
        r = run;
      }
      if (r != null) {
        r.detach(rank, this, leaving);
      }
      close();
      server.closed(this);
    }
  }

  private boolean handshake() throws IOException {
    socket.setSoTimeout((int) server.handshakeTimeout().toMillis());
    Frame f = Frames.read(in, MAX_CONTROL_PAYLOAD);
    socket.setSoTimeout(0);
    if (f.type() != FrameType.HELLO) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "expected a HELLO frame first, got "
          + FrameType.name(f.type()));
    }
    JsonNode hello = Json.parse(f.type(), f.payload());
    int protocol = hello.path("protocol").asInt(-1);
    if (protocol != FeedServer.PROTOCOL) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "protocol version " + protocol
          + " is not supported (the feed speaks " + FeedServer.PROTOCOL + ")");
    }
    if (!server.tokenMatches(hello.path("token").asText(""))) {
      LOG.warn("s3dlio bridge: refused a connection from {}: wrong token", peer);
      error(new BridgeException(BridgeException.BAD_TOKEN, "token refused"));
      return false;
    }
    int world = hello.path("world_size").asInt(-1);
    FeedContext ctx = server.context();
    if (world != ctx.worldSize()) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "the feed serves world size " + ctx.worldSize()
          + "; this client says " + world);
    }
    int r = hello.path("rank").asInt(-1);
    if (r < 0 || r >= world) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "rank " + r + " is outside [0, " + world + ")");
    }
    int asked = hello.path("credits").asInt(1);
    this.rank = r;
    this.credits = Math.max(1, Math.min(asked, server.maxCredits()));
    send(FrameType.WELCOME, Json.bytes(server.welcome().put("rank", rank).put("credits", credits)));
    send(FrameType.SCHEMA, server.schemaMessage());
    LOG.info("s3dlio bridge: rank {} connected from {} ({} credits)", rank, peer, credits);
    return true;
  }

  private void start(JsonNode m) throws IOException {
    long epoch = m.path("epoch").asLong(-1);
    long offset = m.path("offset").asLong(0);
    if (epoch < 0) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "START without an epoch");
    }
    if (m.has("seed") && m.get("seed").asLong() != server.context().seed()) {
      throw new BridgeException(BridgeException.BAD_STATE, "the state was saved with seed " + m.get("seed").asLong()
          + ", the feed uses seed " + server.context().seed());
    }
    if (m.has("fingerprint") && !m.get("fingerprint").asText().equals(server.context().fingerprint())) {
      throw new BridgeException(BridgeException.BAD_STATE, "the state was saved for plan " + m.get("fingerprint").asText()
          + ", the feed serves plan " + server.context().fingerprint() + ": the DataFrame's rows or partitioning, "
          + "the seed or block-partitions changed, so the sequence cannot continue exactly");
    }
    boolean reconnect = m.path("reconnect").asBoolean(false);
    long consumed = m.path("consumed").asLong(0);
    EpochRun next = server.runFor(rank, epoch, offset, reconnect);
    EpochRun previous;
    synchronized (this) {
      previous = run;
      run = next;
    }
    if (previous != null && previous != next) {
      previous.detach(rank, this, true);
    }
    long first;
    try {
      first = next.attach(rank, this, credits, reconnect, consumed);
    } catch (BridgeException e) {
      // the run failed: tell this rank, keep the connection for a new start
      send(FrameType.ERROR, Json.bytes(Json.error(e.code(), e.getMessage()).put("epoch", epoch)
          .put("offset", next.offset())));
      return;
    }
    send(FrameType.EPOCH, Json.bytes(Json.object().put("epoch", epoch).put("offset", next.offset())
        .put("steps", next.steps()).put("global_batch", server.context().globalBatch()).put("first_step", first)));
    Thread sender = new Thread(() -> sendAll(next), "s3dlio-bridge-send-r" + rank);
    sender.setDaemon(true);
    sender.start();
  }

  private void ack(byte[] payload) {
    if (payload.length != 16) {
      throw new BridgeException(BridgeException.BAD_REQUEST, "ACK payload of " + payload.length + " bytes, not 16");
    }
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    long epoch = b.getLong();
    long consumed = b.getLong();
    EpochRun r;
    synchronized (this) {
      r = run;
    }
    if (r != null && r.epoch() == epoch) {
      r.ack(rank, this, consumed);
    }
  }

  private void sendAll(EpochRun r) {
    try {
      while (true) {
        EpochRun.Next n = r.next(rank, this);
        if (n instanceof EpochRun.Next.Batch b) {
          ByteBuffer h = ByteBuffer.allocate(BATCH_HEADER).order(ByteOrder.LITTLE_ENDIAN);
          h.putLong(r.epoch()).putLong(b.step()).putLong(b.position()).putInt(rank).putInt(b.rows()).flip();
          List<ByteBuffer> payload = new ArrayList<>(b.message().size() + 1);
          payload.add(h);
          payload.addAll(b.message());
          long bytes = Frames.HEADER + Frames.TRAILER;
          for (ByteBuffer p : payload) {
            bytes += p.remaining();
          }
          try {
            synchronized (out) { // a detached sender must not write after the next run's EPOCH
              if (!r.attached(rank, this)) {
                return;
              }
              out.write(FrameType.BATCH, payload);
            }
          } finally {
            r.sent(b); // its buffers may be reused from here on
          }
          server.context().stats().sent(bytes);
        } else if (n instanceof EpochRun.Next.End) {
          send(FrameType.END, Json.bytes(Json.object().put("epoch", r.epoch()).put("steps", r.steps())));
          return;
        } else if (n instanceof EpochRun.Next.Failed f) {
          synchronized (out) {
            if (r.attached(rank, this)) {
              send(FrameType.ERROR, Json.bytes(Json.error(f.error().code(), f.error().getMessage())
                  .put("epoch", r.epoch()).put("offset", r.offset())));
            }
          }
          return;
        } else {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.info("s3dlio bridge: sending to rank {} at {} failed: {}", rank, peer, e.toString());
      close(); // the reader sees the socket closed and detaches the rank
    }
  }

  private void send(int type, byte[] payload) throws IOException {
    send(type, List.of(ByteBuffer.wrap(payload)));
  }

  private void send(int type, List<ByteBuffer> payload) throws IOException {
    synchronized (out) {
      out.write(type, payload);
    }
  }

  /** Sends an ERROR frame, ignoring a connection that is already gone. */
  void error(BridgeException e) {
    try {
      send(FrameType.ERROR, Json.bytes(Json.error(e.code(), e.getMessage())));
    } catch (IOException ignored) {
      // the peer is gone; nothing to tell
    }
  }

  void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
