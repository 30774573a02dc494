package io.s3dlio.testing;

import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultPlan.RequestKind;
import java.io.BufferedInputStream;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 proxy for fault injection, put between a client and a real server (S3Proxy,
 * Azurite, Ceph RGW). Part of connector-fs's test-jar, for every module's tests.
 *
 * <p>It reads each request's head, records it ({@link #requestHeads()}), rewrites it to
 * {@code Connection: close} (so every request comes on its own connection and is seen here), then
 * relays bytes both ways. Faults come from a seeded {@link FaultPlan} ({@link #plan(FaultPlan)}:
 * 503 bursts, 500s, resets mid-body, lost answers, stalls, truncated bodies, trickles, with rates
 * per fault and filters per request kind); {@link #injected()} counts what was injected, by fault
 * and request kind. Older one-off faults, for the next N requests they apply to:
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
  private static final String S3_SLOW_DOWN = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
      + "<Message>Please reduce your request rate.</Message><RequestId>faultproxy</RequestId></Error>";
  private static final String S3_INTERNAL = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>"
      + "<Message>We encountered an internal error. Please try again.</Message><RequestId>faultproxy</RequestId></Error>";
  private static final String AZ_BUSY = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code>"
      + "<Message>The server is busy.</Message></Error>";
  private static final String AZ_INTERNAL = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InternalError</Code>"
      + "<Message>The server encountered an internal error. Please retry the request.</Message></Error>";

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

  private volatile FaultPlan plan;
  private final Map<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> faultsPerIdentity = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> burstLeft = new ConcurrentHashMap<>();
  private final Map<Fault, Map<RequestKind, AtomicInteger>> injected = new EnumMap<>(Fault.class);
  private final Map<RequestKind, AtomicInteger> seen = new EnumMap<>(RequestKind.class);
  private final Map<RequestKind, Runnable> beforeNext = new ConcurrentHashMap<>();

  private FaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    for (Fault f : Fault.values()) {
      Map<RequestKind, AtomicInteger> m = new EnumMap<>(RequestKind.class);
      for (RequestKind k : RequestKind.values()) {
        m.put(k, new AtomicInteger());
      }
      injected.put(f, m);
    }
    for (RequestKind k : RequestKind.values()) {
      seen.put(k, new AtomicInteger());
    }
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

  /** Injects faults from now on as {@code p} says (null: none), with fresh occurrence counts. */
  public FaultProxy plan(FaultPlan p) {
    occurrences.clear();
    faultsPerIdentity.clear();
    burstLeft.clear();
    this.plan = p;
    return this;
  }

  /**
   * Runs {@code action} once, before the next request of {@code kind} is relayed to the server
   * (e.g. to change an object between a client's HEAD and its COPY).
   */
  public FaultProxy beforeNext(RequestKind kind, Runnable action) {
    beforeNext.put(kind, action);
    return this;
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

  /** Faults the plan injected so far, by fault and request kind (kinds with none left out). */
  public Map<Fault, Map<RequestKind, Integer>> injected() {
    Map<Fault, Map<RequestKind, Integer>> out = new EnumMap<>(Fault.class);
    injected.forEach((f, m) -> {
      Map<RequestKind, Integer> k = new EnumMap<>(RequestKind.class);
      m.forEach((kind, n) -> {
        if (n.get() > 0) {
          k.put(kind, n.get());
        }
      });
      out.put(f, k);
    });
    return out;
  }

  /** Faults of kind {@code f} the plan injected so far. */
  public int injected(Fault f) {
    return injected.get(f).values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** All faults the plan injected so far. */
  public int injectedTotal() {
    int n = 0;
    for (Fault f : Fault.values()) {
      n += injected(f);
    }
    return n;
  }

  /** Requests seen so far, by kind. */
  public Map<RequestKind, Integer> requestsSeen() {
    Map<RequestKind, Integer> out = new EnumMap<>(RequestKind.class);
    seen.forEach((k, n) -> {
      if (n.get() > 0) {
        out.put(k, n.get());
      }
    });
    return out;
  }

  /** Forgets recorded heads and counters (faults still pending stay). */
  public void reset() {
    heads.clear();
    throttled.set(0);
    cut.set(0);
    peak.set(0);
    injected.values().forEach(m -> m.values().forEach(n -> n.set(0)));
    seen.values().forEach(n -> n.set(0));
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

  // ---------------------------------------------------------------- one exchange

  /** A parsed request head. */
  private record Request(String head, String method, String path, Map<String, String> query,
      Map<String, String> headers, RequestKind kind) {

    long contentLength() {
      String v = headers.get("content-length");
      return v == null ? 0 : Long.parseLong(v.trim());
    }

    boolean expectsContinue() {
      return "100-continue".equalsIgnoreCase(headers.getOrDefault("expect", "").trim());
    }

    /** Method, path, stable query parameters and range: what retries of this request share. */
    String identity() {
      StringBuilder sb = new StringBuilder(method).append(' ').append(path).append('?');
      query.forEach((k, v) -> {
        if (k.equals("uploadid")) {
          sb.append(k).append('&');
        } else if (k.equals("blockid")) {
          sb.append(k).append('=').append(blockNumber(v)).append('&');
        } else {
          sb.append(k).append('=').append(v).append('&');
        }
      });
      return sb.append(' ').append(headers.getOrDefault("range", headers.getOrDefault("x-ms-range", ""))).toString();
    }
  }

  private void handle(Socket client) {
    Socket upstream = null;
    boolean counted = false;
    try {
      InputStream cin = new BufferedInputStream(client.getInputStream());
      byte[] headBytes = readHead(cin);
      if (headBytes == null) {
        return;
      }
      String headText = new String(headBytes, StandardCharsets.ISO_8859_1);
      heads.add(headText.trim());
      Request req = parse(headText);
      seen.get(req.kind()).incrementAndGet();
      counted = true;
      int now = inFlight.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);

      FaultPlan p = plan;
      FaultPlan.Decision decision = p == null ? null : decide(p, req);
      Fault fault = decision == null ? null : decision.fault();

      boolean forcedThrottle = throttleLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
      if (forcedThrottle || fault == Fault.THROTTLE || fault == Fault.SERVER_ERROR) {
        inFlight.decrementAndGet();
        counted = false;
        drainBody(cin, req);
        boolean busy = forcedThrottle || fault == Fault.THROTTLE;
        FaultPlan.Dialect d = forcedThrottle || p == null ? FaultPlan.Dialect.S3 : p.dialect();
        // counted before answering: the client may see the answer (and the test read the count) at once
        if (forcedThrottle) {
          throttled.incrementAndGet();
        } else {
          count(fault, req);
        }
        answer(client.getOutputStream(), busy, d);
        return;
      }
      if (latencyMillis > 0) {
        Thread.sleep(latencyMillis);
      }
      Runnable action = beforeNext.remove(req.kind());
      if (action != null) {
        action.run();
      }
      boolean cutThis = req.method().equals("GET") && cutLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;

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

      InputStream uin = new BufferedInputStream(upstream.getInputStream());
      OutputStream cout = client.getOutputStream();
      // interim answers (100 Continue) go straight through; faults strike the final response
      byte[] head;
      int status;
      while (true) {
        head = readHead(uin);
        if (head == null) {
          return;
        }
        if (counted) {
          inFlight.decrementAndGet();
          counted = false;
        }
        status = statusOf(head);
        if (status >= 200) {
          break;
        }
        cout.write(head);
        cout.flush();
      }
      long bodyLength = bodyLength(req, status, head);
      if (cutThis) {
        cut.incrementAndGet();
        relay(head, uin, cout, Math.max(0, cutAfter.get()), false);
        client.shutdownOutput(); // FIN: a reset could discard bytes the client has not read yet
        reset(upstream);
        return;
      }
      if (fault == null) {
        relay(head, uin, cout, -1, false);
        return;
      }
      long at = bodyLength > 0 ? Math.min(bodyLength - 1, (long) (decision.where() * bodyLength)) : 0;
      switch (fault) {
        case DROP_RESPONSE -> {
          count(fault, req);
          // the server finishes the request (its whole answer is read, to its close) and the answer is lost:
          // resetting at the head would leave e.g. an upload completion still running when the client retries
          relay(head, uin, OutputStream.nullOutputStream(), -1, false);
          reset(client);
        }
        case RESET -> {
          count(fault, req);
          relay(head, uin, cout, bodyLength > 0 ? at : -2, false);
          reset(client);
        }
        case STALL -> {
          count(fault, req);
          relay(head, uin, cout, bodyLength > 0 ? at : -2, false);
          Thread.sleep(p.stall().toMillis());
        }
        case TRUNCATE -> {
          if (bodyLength <= 0) {
            relay(head, uin, cout, -1, false);
            return;
          }
          count(fault, req);
          relay(head, uin, cout, at, false);
          client.shutdownOutput();
        }
        case TRICKLE -> {
          if (bodyLength == 0) {
            relay(head, uin, cout, -1, false);
            return;
          }
          count(fault, req);
          relay(head, uin, cout, -1, true);
        }
        default -> relay(head, uin, cout, -1, false);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
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

  private FaultPlan.Decision decide(FaultPlan p, Request req) {
    String id = req.identity();
    int occurrence = occurrences.computeIfAbsent(id, k -> new AtomicInteger()).getAndIncrement();
    AtomicInteger faults = faultsPerIdentity.computeIfAbsent(id, k -> new AtomicInteger());
    AtomicInteger burst = burstLeft.computeIfAbsent(id, k -> new AtomicInteger());
    if (faults.get() >= p.maxFaultsPerRequest()) {
      return null;
    }
    FaultPlan.Decision d;
    if (burst.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      d = new FaultPlan.Decision(Fault.THROTTLE, 0);
    } else {
      d = p.decide(id, occurrence, req.kind());
      if (d.fault() == Fault.THROTTLE) {
        burst.set(p.throttleBurst() - 1);
      }
    }
    if (d.fault() != null) {
      faults.incrementAndGet();
    }
    return d;
  }

  private void count(Fault f, Request req) {
    injected.get(f).get(req.kind()).incrementAndGet();
  }

  /**
   * Relays the response head and body. {@code stopAt >= 0}: only that many body bytes, then stop;
   * -2: not even the head; -1: everything (in small pieces with pauses when {@code trickle}).
   */
  private void relay(byte[] head, InputStream uin, OutputStream cout, long stopAt, boolean trickle)
      throws IOException, InterruptedException {
    if (stopAt == -2) {
      return;
    }
    cout.write(head);
    cout.flush();
    FaultPlan p = plan;
    byte[] buf = new byte[64 * 1024];
    long relayed = 0;
    while (stopAt < 0 || relayed < stopAt) {
      int want = buf.length;
      if (stopAt >= 0) {
        want = (int) Math.min(want, stopAt - relayed);
      }
      if (trickle && p != null && relayed < p.trickleLimit()) {
        want = Math.min(want, p.trickleBytes());
      }
      int n = uin.read(buf, 0, want);
      if (n < 0) {
        return;
      }
      cout.write(buf, 0, n);
      cout.flush();
      relayed += n;
      if (trickle && p != null && relayed <= p.trickleLimit()) {
        Thread.sleep(p.tricklePause().toMillis());
      }
    }
  }

  /** Reads and drops the request body, so the client can read an early answer. */
  private static void drainBody(InputStream in, Request req) throws IOException {
    if (!req.expectsContinue()) {
      in.skipNBytes(req.contentLength());
    }
  }

  private static void answer(OutputStream out, boolean busy, FaultPlan.Dialect dialect) throws IOException {
    boolean s3 = dialect == FaultPlan.Dialect.S3;
    String body = s3 ? (busy ? S3_SLOW_DOWN : S3_INTERNAL) : (busy ? AZ_BUSY : AZ_INTERNAL);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String status = busy ? (s3 ? "503 Slow Down" : "503 The server is busy.") : "500 Internal Server Error";
    String extra = s3 ? "" : "x-ms-error-code: " + (busy ? "ServerBusy" : "InternalError") + "\r\n";
    out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\n" + extra + "Content-Length: " + b.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(b);
    out.flush();
  }

  // ---------------------------------------------------------------- parsing

  static Request parse(String head) {
    String[] lines = head.split("\r\n");
    String[] first = lines[0].split(" ");
    String method = first[0].toUpperCase(Locale.ROOT);
    String target = first.length > 1 ? first[1] : "/";
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = new TreeMap<>();
    if (q >= 0) {
      for (String kv : target.substring(q + 1).split("&")) {
        if (kv.isEmpty()) {
          continue;
        }
        int eq = kv.indexOf('=');
        String k = decode(eq < 0 ? kv : kv.substring(0, eq)).toLowerCase(Locale.ROOT);
        query.put(k, eq < 0 ? "" : decode(kv.substring(eq + 1)));
      }
    }
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) {
        headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
      }
    }
    return new Request(head, method, path, query, headers, kind(method, query, headers));
  }

  static RequestKind kind(String method, Map<String, String> query, Map<String, String> headers) {
    String comp = query.getOrDefault("comp", "");
    boolean copy = headers.containsKey("x-amz-copy-source") || headers.containsKey("x-ms-copy-source");
    switch (method) {
      case "HEAD":
        return RequestKind.HEAD;
      case "GET":
        if (query.containsKey("list-type") || comp.equals("list") || query.containsKey("delimiter")
            || query.containsKey("prefix") && !query.containsKey("uploadid")) {
          return RequestKind.LIST;
        }
        return query.containsKey("uploads") || query.containsKey("uploadid") || !comp.isEmpty()
            ? RequestKind.OTHER : RequestKind.GET;
      case "PUT":
        if (copy) {
          return RequestKind.COPY;
        }
        if (query.containsKey("partnumber") || comp.equals("block")) {
          return RequestKind.UPLOAD_PART;
        }
        if (comp.equals("blocklist")) {
          return RequestKind.COMPLETE_UPLOAD;
        }
        return query.containsKey("restype") || !comp.isEmpty() ? RequestKind.OTHER : RequestKind.PUT;
      case "POST":
        if (query.containsKey("uploads")) {
          return RequestKind.CREATE_UPLOAD;
        }
        if (query.containsKey("uploadid")) {
          return RequestKind.COMPLETE_UPLOAD;
        }
        return query.containsKey("delete") || comp.equals("batch") ? RequestKind.DELETE : RequestKind.OTHER;
      case "DELETE":
        return query.containsKey("uploadid") || query.containsKey("restype") ? RequestKind.OTHER : RequestKind.DELETE;
      default:
        return RequestKind.OTHER;
    }
  }

  /** The trailing number of an Azure block id (base64 of "uuid-000012"), which is stable across runs. */
  private static String blockNumber(String blockId) {
    try {
      String s = new String(Base64.getDecoder().decode(blockId), StandardCharsets.US_ASCII);
      int dash = s.lastIndexOf('-');
      return dash < 0 ? s : s.substring(dash + 1);
    } catch (IllegalArgumentException e) {
      return blockId;
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static int statusOf(byte[] head) {
    String s = new String(head, 0, Math.min(head.length, 16), StandardCharsets.ISO_8859_1);
    try {
      return Integer.parseInt(s.substring(9, 12));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Body bytes the response promises: 0 for HEAD, 1xx, 204, 304; -1 when unknown (chunked). */
  private static long bodyLength(Request req, int status, byte[] head) {
    if (req.method().equals("HEAD") || status == 204 || status == 304) {
      return 0;
    }
    for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("content-length")) {
        return Long.parseLong(line.substring(c + 1).trim());
      }
    }
    return -1;
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
        throw new IOException("head too long");
      }
    }
    return null;
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
