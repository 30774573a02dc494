package io.s3dlio.bridge;

import io.s3dlio.bridge.wire.FrameType;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback proxy between a trainer and a feed that understands frames, for fault injection in
 * the feed-to-trainer direction: it can flip one byte in the payload of the n-th BATCH frame, or
 * cut the connection in the middle of it (then, optionally, refuse every later connection).
 * Each fault applies once.
 */
final class FrameProxy implements AutoCloseable {
  private final int targetPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger batches = new AtomicInteger();
  private volatile int corruptAt = -1;
  private volatile int cutAt = -1;
  private volatile boolean refuseAfterCut;
  private volatile boolean closed;

  FrameProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::accept, "frame-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  int connections() {
    return connections.get();
  }

  /** Flips a byte in the middle of the payload of the n-th BATCH frame (counted over all connections). */
  FrameProxy corruptBatch(int n) {
    corruptAt = n;
    return this;
  }

  /** Forwards half of the n-th BATCH frame, then closes the connection; optionally refuses from then on. */
  FrameProxy cutBatch(int n, boolean refuseLater) {
    cutAt = n;
    refuseAfterCut = refuseLater;
    return this;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(upstream);
        start(() -> pump(client, upstream));
        start(() -> frames(upstream, client));
      } catch (IOException e) {
        if (!closed) {
          closed = true;
        }
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "frame-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // either side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void frames(Socket from, Socket to) {
    try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
      byte[] header = new byte[8];
      while (true) {
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int length = h.getInt(0);
        int type = h.getShort(4);
        byte[] rest = new byte[length + 4];
        in.readFully(rest);
        if (type == FrameType.BATCH) {
          int n = batches.incrementAndGet();
          if (n == corruptAt) {
            rest[length / 2] ^= 0x20;
          }
          if (n == cutAt) {
            if (refuseAfterCut) { // stop listening before the trainer can see the cut and reconnect
              closed = true;
              server.close();
              acceptor.join(10_000);
            }
            out.write(header);
            out.write(rest, 0, length / 2);
            out.flush();
            return;
          }
        }
        out.write(header);
        out.write(rest);
        out.flush();
      }
    } catch (IOException ignored) {
      // either side closed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}
