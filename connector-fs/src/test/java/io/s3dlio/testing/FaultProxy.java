package io.s3dlio.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 proxy for fault injection, put between a client and a real server.
 *
 * <p>It reads each request's head, records it ({@link #requestHeads()}), rewrites it to
 * {@code Connection: close} (so every request comes on its own connection and is seen here), then
 * relays bytes both ways untouched. Faults, each for the next N requests they apply to:
 * <ul>
 *   <li>{@link #throttle(int)}: answer {@code 503 SlowDown} (S3's XML error) without asking the server;</li>
 *   <li>{@link #cutGetBodies(int, long)}: relay a GET response's head and exactly the first bytes of
 *       its body, then close the connection (the client sees the body end early);</li>
 *   <li>{@link #latency(Duration)}: wait before relaying each request (makes requests overlap).</li>
 * </ul>
 * {@link #peakInFlight()} is the most requests waiting for their response at once: a request counts
 * from its head until the first bytes of its response reach the proxy, so it cannot exceed the
 * number of client connections in use.
 */
public final class FaultProxy implements AutoCloseable {
  private static final byte[] SLOW_DOWN_BODY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
      + "<Message>Please reduce your request rate.</Message><RequestId>faultproxy</RequestId></Error>")
      .getBytes(StandardCharsets.UTF_8);

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger throttleLeft = new AtomicInteger();
  private final AtomicInteger throttled = new AtomicInteger();
  private final AtomicInteger cutLeft = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final AtomicLong cutAfter = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private volatile long latencyMillis;
  private volatile boolean closed;

  private FaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "faultproxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy in front of {@code http://host:port}. */
  public static FaultProxy start(String host, int port) {
    try {
      return new FaultProxy(host, port);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A proxy in front of {@code target} (an http:// URI). */
  public static FaultProxy start(URI target) {
    return start(target.getHost(), target.getPort());
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Answers the next {@code count} requests with 503 SlowDown. */
  public FaultProxy throttle(int count) {
    throttleLeft.set(count);
    return this;
  }

  /** Cuts the bodies of the next {@code count} GET responses after {@code afterBytes} body bytes. */
  public FaultProxy cutGetBodies(int count, long afterBytes) {
    cutAfter.set(afterBytes);
    cutLeft.set(count);
    return this;
  }

  /** Waits this long before relaying each request. */
  public FaultProxy latency(Duration d) {
    latencyMillis = d.toMillis();
    return this;
  }

  /** Request line and headers of every request seen, oldest first. */
  public List<String> requestHeads() {
    return new ArrayList<>(heads);
  }

  public int throttledCount() {
    return throttled.get();
  }

  public int cutCount() {
    return cut.get();
  }

  public int peakInFlight() {
    return peak.get();
  }

  /** Forgets recorded heads and counters (faults still pending stay). */
  public void reset() {
    heads.clear();
    throttled.set(0);
    cut.set(0);
    peak.set(0);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread t = new Thread(() -> handle(client), "faultproxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("FaultProxy accept failed: " + e);
        }
        return;
      }
    }
  }

  private void handle(Socket client) {
    Socket upstream = null;
    boolean counted = false;
    try {
      InputStream cin = client.getInputStream();
      byte[] head = readHead(cin);
      if (head == null) {
        return;
      }
      String headText = new String(head, StandardCharsets.ISO_8859_1);
      heads.add(headText.trim());
      String method = headText.substring(0, Math.max(0, headText.indexOf(' '))).toUpperCase(Locale.ROOT);
      counted = true;
      int now = inFlight.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);

      if (throttleLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throttled.incrementAndGet();
        inFlight.decrementAndGet();
        counted = false;
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
            + SLOW_DOWN_BODY.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(SLOW_DOWN_BODY);
        out.flush();
        return;
      }
      if (latencyMillis > 0) {
        Thread.sleep(latencyMillis);
      }
      boolean cutThis = method.equals("GET") && cutLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
      long cutAt = cutAfter.get();

      upstream = new Socket();
      upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
      open.add(upstream);
      OutputStream uout = upstream.getOutputStream();
      uout.write(closeConnection(headText).getBytes(StandardCharsets.ISO_8859_1));
      uout.flush();
      Socket up = upstream;
      Thread requestPump = new Thread(() -> pump(cin, up), "faultproxy-req");
      requestPump.setDaemon(true);
      requestPump.start();

      InputStream uin = upstream.getInputStream();
      OutputStream cout = client.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      int n = uin.read(buf);
      inFlight.decrementAndGet();
      counted = false;
      // find the end of the final response head (skipping interim 1xx answers) when cutting
      ByteArrayOutputStream seen = cutThis ? new ByteArrayOutputStream() : null;
      long bodyStart = -1;
      long relayed = 0;
      while (n > 0) {
        if (cutThis) {
          if (bodyStart < 0) {
            seen.write(buf, 0, n);
            bodyStart = finalHeadEnd(seen.toByteArray());
          }
          if (bodyStart >= 0 && relayed + n >= bodyStart + cutAt) {
            int keep = (int) (bodyStart + cutAt - relayed);
            cout.write(buf, 0, keep);
            cout.flush();
            cut.incrementAndGet();
            // FIN to the client (a reset could discard bytes it has not read yet), reset upstream
            client.shutdownOutput();
            reset(upstream);
            return;
          }
        }
        cout.write(buf, 0, n);
        cout.flush();
        relayed += n;
        n = uin.read(buf);
      }
    } catch (IOException | InterruptedException e) {
      // a connection the client or server closed; nothing to report
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
      closeQuietly(client);
      closeQuietly(upstream);
      open.remove(client);
      if (upstream != null) {
        open.remove(upstream);
      }
    }
  }

  private static void pump(InputStream in, Socket to) {
    byte[] buf = new byte[64 * 1024];
    try {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // one side closed
    }
  }

  /** The head bytes up to and including the blank line, or null at end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
          : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return head.toByteArray();
      }
      if (head.size() > 256 * 1024) {
        throw new IOException("request head too long");
      }
    }
    return null;
  }

  /** Offset of the first body byte of the final (non-1xx) response, or -1 if its head is incomplete. */
  private static long finalHeadEnd(byte[] data) {
    int start = 0;
    while (true) {
      int end = indexOf(data, start);
      if (end < 0) {
        return -1;
      }
      String status = new String(data, start, Math.min(12, end - start), StandardCharsets.ISO_8859_1);
      if (status.length() >= 10 && status.charAt(9) == '1') {
        start = end;
        continue;
      }
      return end;
    }
  }

  private static int indexOf(byte[] d, int from) {
    for (int i = from; i + 3 < d.length; i++) {
      if (d[i] == '\r' && d[i + 1] == '\n' && d[i + 2] == '\r' && d[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  private static String closeConnection(String head) {
    StringBuilder sb = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (line.isEmpty() || line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
        continue;
      }
      sb.append(line).append("\r\n");
    }
    return sb.append("Connection: close\r\n\r\n").toString();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}
