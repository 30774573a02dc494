package io.s3dlio.testing;

import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One S3Proxy server per test JVM, started on first use as its own process
 * ({@code java -jar s3proxy.jar --properties FILE}) and stopped by a shutdown hook.
 *
 * <p>It listens on 127.0.0.1 on a free port, keeps objects on disk ({@code filesystem-nio2} under
 * {@code target/test-servers/s3proxy-data-PORT}, so 100 MiB objects do not fill the heap; or in
 * memory with {@code -Ds3dlio.s3proxy.backend=transient-nio2}), checks
 * AWS signatures (v2 or v4) against a random identity and credential made for this run, and takes
 * bodies without aws-chunked encoding up to 1 GiB. Its output goes to
 * {@code target/test-servers/s3proxy-PORT.log}.
 *
 * <p>The jar comes from the {@code s3dlio.s3proxy.jar} system property (set by the parent pom's
 * surefire configuration); the working folder from {@code s3dlio.test.servers.dir}. Other modules
 * use it through connector-fs's test-jar.
 */
public final class S3ProxyServer {
  /**
   * System property: S3Proxy's store, {@code filesystem-nio2} (default: objects on disk) or
   * {@code transient-nio2} (in memory: no disk work per request, listings without a disk walk per
   * page; for runs of many small objects, such as the 100,000-key listing of the load test).
   */
  public static final String BACKEND_PROPERTY = "s3dlio.s3proxy.backend";
  /** System property: S3Proxy's heap ({@code -Xmx}), default {@code 512m}. */
  public static final String HEAP_PROPERTY = "s3dlio.s3proxy.heap";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static volatile S3ProxyServer instance;

  private final int port;
  private final String accessKey;
  private final String secretKey;
  private final Path dataDir;
  private final Path logFile;
  private final Process process;
  /** Holds this run's random credentials; deleted when the server stops. */
  private final Path propertiesFile;

  private S3ProxyServer(int port, String accessKey, String secretKey, Path dataDir, Path logFile, Process process,
      Path propertiesFile) {
    this.propertiesFile = propertiesFile;
    this.port = port;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.process = process;
  }

  /** The server of this JVM, started on the first call. */
  public static S3ProxyServer get() {
    S3ProxyServer s = instance;
    if (s == null) {
      synchronized (S3ProxyServer.class) {
        s = instance;
        if (s == null) {
          try {
            s = start();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          instance = s;
        }
      }
    }
    return s;
  }

  private static S3ProxyServer start() throws IOException {
    String jarProp = System.getProperty("s3dlio.s3proxy.jar");
    if (jarProp == null || !Files.isRegularFile(Paths.get(jarProp))) {
      throw new IOException("Cannot start S3Proxy: no jar at system property s3dlio.s3proxy.jar=" + jarProp
          + " (the build copies it to target/test-servers/s3proxy.jar in generate-test-resources)");
    }
    Path jar = Paths.get(jarProp).toAbsolutePath();
    Path dir = Paths.get(System.getProperty("s3dlio.test.servers.dir", "target/test-servers")).toAbsolutePath();
    Files.createDirectories(dir);
    int port = freePort();
    String accessKey = "test-" + random(6);
    String secretKey = random(20);
    Path dataDir = dir.resolve("s3proxy-data-" + port);
    deleteTree(dataDir);
    Files.createDirectories(dataDir);
    Path props = dir.resolve("s3proxy-" + port + ".properties");
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", accessKey);
    p.setProperty("s3proxy.credential", secretKey);
    p.setProperty("s3proxy.v4-max-non-chunked-request-size", String.valueOf(1L << 30));
    String backend = System.getProperty(BACKEND_PROPERTY, "filesystem-nio2");
    if (!backend.equals("filesystem-nio2") && !backend.equals("transient-nio2")) {
      throw new IOException("Cannot start S3Proxy: system property " + BACKEND_PROPERTY + "=" + backend
          + " is neither filesystem-nio2 nor transient-nio2");
    }
    p.setProperty("jclouds.provider", backend);
    p.setProperty("jclouds.filesystem.basedir", dataDir.toString());
    p.setProperty("jclouds.identity", "local");
    p.setProperty("jclouds.credential", "local");
    try (Writer w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
      p.store(w, "S3Proxy for s3dlio tests (credentials are random, for this run only)");
    }
    Path log = dir.resolve("s3proxy-" + port + ".log");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx" + System.getProperty(HEAP_PROPERTY, "512m"), "-jar", jar.toString(), "--properties", props.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    S3ProxyServer server = new S3ProxyServer(port, accessKey, secretKey, dataDir, log, process, props);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "s3proxy-stop"));
    server.awaitPort();
    return server;
  }

  private void awaitPort() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with status " + process.exitValue() + " before listening on port "
            + port + "; see " + logFile + ":\n" + tail(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop();
          throw new IOException("Interrupted while waiting for S3Proxy on port " + port, e);
        }
      }
    }
    stop();
    throw new IOException("S3Proxy did not listen on port " + port + " within " + START_TIMEOUT + "; see " + logFile
        + ":\n" + tail(logFile));
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return "(cannot read the log: " + e + ")";
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(propertiesFile);
      deleteTree(dataDir);
    } catch (IOException ignored) {
      // a leftover folder under target/ is harmless
    }
  }

  /** A port that was free a moment ago (bound and released). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** CPU time the server process has used so far (user + system; zero where the OS does not say). */
  public java.time.Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /** The server's log file. */
  public Path logFile() {
    return logFile;
  }

  /** Creates a bucket (no error when it already exists). */
  public void createBucket(String name) {
    try (S3Client c = S3Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .httpClient(ApacheHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build()) {
      c.createBucket(b -> b.bucket(name));
    } catch (BucketAlreadyOwnedByYouException e) {
      // fine
    } catch (S3Exception e) {
      if (e.statusCode() != 409) {
        throw e;
      }
    }
  }

  /** Store settings ({@code s3.*} keys) pointing at this server. */
  public StoreConfig storeConfig() {
    return StoreConfig.of(Map.of(
        "s3.endpoint", endpoint().toString(),
        "s3.region", "us-east-1",
        "s3.path-style", "true",
        "s3.access-key", accessKey,
        "s3.secret-key", secretKey));
  }

  /** Store settings for gs:// ({@code gcs.*} keys) pointing at this server as the XML API stand-in. */
  public StoreConfig gcsStoreConfig() {
    return StoreConfig.of(Map.of(
        "gcs.endpoint", endpoint().toString(),
        "gcs.access-key", accessKey,
        "gcs.secret-key", secretKey));
  }
}
