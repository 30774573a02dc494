package io.s3dlio.bridge.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3dlio.bridge.wire.FrameException;
import io.s3dlio.bridge.wire.FrameType;
import io.s3dlio.bridge.wire.Frames;
import io.s3dlio.bridge.wire.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's upload port: executor tasks connect, offer their encoded partition, and send it when
 * the {@link UploadInbox} says so. Each connection is authenticated by the feed's upload secret (a
 * random value of its own, shipped to the tasks in their closure; it lets a task upload, nothing more).
 */
public final class UploadServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UploadServer.class);

  private final UploadInbox inbox;
  private final String advertised;
  private final boolean tcpOnly;
  private final String secret;
  private final byte[] secretBytes;
  private final ServerSocket socket;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Listens on {@code bind:port} (port 0: a free one); tasks connect to {@code advertised}.
   * {@code tcpOnly}: tasks in the driver's JVM upload over TCP too, instead of in memory.
   */
  public UploadServer(UploadInbox inbox, String bind, String advertised, int port, boolean tcpOnly) throws IOException {
    this.inbox = inbox;
    this.advertised = advertised;
    this.tcpOnly = tcpOnly;
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.secret = HexFormat.of().formatHex(random);
    this.secretBytes = secret.getBytes(StandardCharsets.UTF_8);
    this.socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.setReceiveBufferSize(UploadClient.SOCKET_BUFFER);
    socket.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 64);
    Thread acceptor = new Thread(this::accept, "s3dlio-bridge-upload-accept-" + inbox.feedId());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Where the tasks of unit {@code unit} of run {@code run} upload. */
  public UploadTarget target(long run, int unit) {
    return new UploadTarget(inbox.feedId(), run, unit, advertised, port(), secret, tcpOnly);
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "s3dlio-bridge-upload-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("s3dlio bridge: accepting an upload failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket s) {
    String peer = String.valueOf(s.getRemoteSocketAddress());
    try (s) {
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 12);
      Frames.Frame f = Frames.read(in, UploadProtocol.MAX_CONTROL);
      if (f.type() != FrameType.UPLOAD_OFFER) {
        throw new FrameException("expected UPLOAD_OFFER, got " + FrameType.name(f.type()));
      }
      JsonNode offer = Json.parse(f.type(), f.payload());
      if (!MessageDigest.isEqual(secretBytes, offer.path("secret").asText("").getBytes(StandardCharsets.UTF_8))
          || !inbox.feedId().equals(offer.path("feed").asText())) {
        LOG.warn("s3dlio bridge: refused an upload from {}: wrong secret or feed", peer);
        reply(out, FrameType.UPLOAD_REPLY, Json.object().put("decision", "error").put("error",
            "the upload secret or feed id is wrong"));
        return;
      }
      UploadKey key = new UploadKey(offer.path("run").asLong(), offer.path("unit").asInt(),
          offer.path("partition").asInt());
      long attempt = offer.path("attempt").asLong();
      UploadInbox.Decision d = inbox.offer(key, attempt, offer.path("count").asLong(), offer.path("checksum").asInt());
      reply(out, FrameType.UPLOAD_REPLY, decision(d));
      if (d instanceof UploadInbox.Decision.Go) {
        receive(in, out, offer, key, attempt);
      }
    } catch (EOFException e) {
      LOG.debug("s3dlio bridge: upload connection from {} closed", peer);
    } catch (IOException e) {
      if (!closed) {
        LOG.warn("s3dlio bridge: upload from {} failed: {}", peer, e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connections.remove(s);
    }
  }

  private void receive(DataInputStream in, OutputStream out, JsonNode offer, UploadKey key, long attempt)
      throws IOException {
    UploadProtocol.Received r;
    try {
      r = UploadProtocol.readData(in, offer);
    } catch (IOException | RuntimeException e) {
      inbox.abort(key, attempt);
      if (e instanceof FrameException) {
        reply(out, FrameType.UPLOAD_STORED, Json.object().put("error", e.getMessage()));
      }
      throw e;
    }
    if (inbox.store(key, attempt, r.parcel(), r.crc())) {
      reply(out, FrameType.UPLOAD_STORED, Json.object().put("bytes", r.parcel().bytes()).put("crc", r.crc()));
    } else {
      reply(out, FrameType.UPLOAD_STORED, Json.object().put("error", "the feed no longer needs unit " + key.unit()
          + " of run " + key.run()));
    }
  }

  private static ObjectNode decision(UploadInbox.Decision d) {
    if (d instanceof UploadInbox.Decision.Go) {
      return Json.object().put("decision", "go");
    }
    if (d instanceof UploadInbox.Decision.Same s) {
      return Json.object().put("decision", "same").put("holder", s.holder()).put("bytes", s.bytes()).put("crc", s.crc());
    }
    if (d instanceof UploadInbox.Decision.Differs s) {
      return Json.object().put("decision", "differs").put("holder", s.holder()).put("bytes", s.bytes())
          .put("crc", s.crc());
    }
    return Json.object().put("decision", "refused").put("reason", ((UploadInbox.Decision.Refused) d).reason());
  }

  private static void reply(OutputStream out, int type, ObjectNode body) throws IOException {
    Frames.write(out, type, Json.bytes(body));
    out.flush();
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
