package io.s3dlio.testing;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.s3dlio.store.StoreConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Azurite blob emulator per test JVM, started on first use and stopped by a shutdown hook.
 *
 * <p>Azurite (version from the system property {@code s3dlio.azurite.version}, set by the parent
 * pom) is installed from npm into {@code ~/.cache/s3dlio/azurite-<version>} when missing, and run
 * with Node on a free port of 127.0.0.1, storing its data on disk under
 * {@code target/test-servers/azurite-<port>} (not in memory: the 100 MiB tests would make it grow
 * to gigabytes), with {@code --skipApiVersionCheck} (the SDK speaks a newer API version than
 * Azurite knows) and {@code --loose}. Its output goes to {@code target/test-servers/azurite.log}.
 *
 * <p>{@code -Ds3dlio.azurite.debug=true} adds Azurite's request debug log, {@code azurite-debug.log}.
 *
 * <p>Other modules use it through connector-fs's test-jar.
 */
public final class AzuriteServer {
  /** The account Azurite serves. */
  public static final String ACCOUNT = "devstoreaccount1";
  /** The well-known key of Azurite's development account (public, documented by Microsoft). */
  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final String DEFAULT_VERSION = "3.37.0";
  private static AzuriteServer instance;

  private final int port;
  private final Process process;
  private final Path dataDir;
  private BlobServiceClient admin;

  private AzuriteServer(int port, Process process, Path dataDir) {
    this.port = port;
    this.process = process;
    this.dataDir = dataDir;
  }

  /** The running server, started on first call. */
  public static synchronized AzuriteServer get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start Azurite: " + e.getMessage(), e);
      }
    }
    return instance;
  }

  public int port() {
    return port;
  }

  /** Blob endpoint of the account, e.g. {@code http://127.0.0.1:PORT/devstoreaccount1}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** Endpoint template for {@code azure.endpoint}: {@code http://127.0.0.1:PORT/{account}}. */
  public String endpointTemplate() {
    return "http://127.0.0.1:" + port + "/{account}";
  }

  public String account() {
    return ACCOUNT;
  }

  public String key() {
    return KEY;
  }

  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
        + endpoint() + ";";
  }

  /** Shared-key settings for this server ({@code azure.account}, {@code azure.secret-key}, {@code azure.endpoint}). */
  public StoreConfig storeConfig() {
    return StoreConfig.of(Map.of(
        "azure.auth", "shared-key",
        "azure.account", ACCOUNT,
        "azure.secret-key", KEY,
        "azure.endpoint", endpointTemplate()));
  }

  /** A client with the account key, for test setup. */
  public synchronized BlobServiceClient adminClient() {
    if (admin == null) {
      admin = new BlobServiceClientBuilder()
          .endpoint(endpoint())
          .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
          .httpClient(new JdkHttpClientBuilder().build())
          .buildClient();
    }
    return admin;
  }

  /** Creates a container if it does not exist; returns its name. */
  public String createContainer(String name) {
    adminClient().getBlobContainerClient(name).createIfNotExists();
    return name;
  }

  // ---------------------------------------------------------------- process

  private static AzuriteServer start() throws IOException {
    String version = System.getProperty("s3dlio.azurite.version", DEFAULT_VERSION);
    Path serversDir = Paths.get(System.getProperty("s3dlio.test.servers.dir", "target/test-servers"))
        .toAbsolutePath();
    Files.createDirectories(serversDir);
    Path main = install(version, serversDir);
    int port = freePort();
    Path dataDir = serversDir.resolve("azurite-" + port);
    Files.createDirectories(dataDir);
    Path log = serversDir.resolve("azurite.log");
    List<String> cmd = new ArrayList<>(List.of(node(), main.toString(),
        "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
        "--location", dataDir.toString(), "--skipApiVersionCheck", "--loose"));
    if (Boolean.getBoolean("s3dlio.azurite.debug")) {
      // Azurite's request-level debug log (string-to-sign of refused requests, batch bodies...)
      cmd.addAll(List.of("--debug", serversDir.resolve("azurite-debug.log").toString()));
    }
    Files.writeString(log, "\n=== " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    AzuriteServer server = new AzuriteServer(port, p, dataDir);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "azurite-stop"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!listening(port)) {
      if (!p.isAlive()) {
        throw new IOException("Azurite exited with " + p.exitValue() + " before listening on port " + port
            + "; see " + log + ":\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        server.stop();
        throw new IOException("Azurite did not listen on port " + port + " within 60 s; see " + log + ":\n" + tail(log));
      }
      sleep(100);
    }
    return server;
  }

  /** Kills Azurite and its children, then removes its data. */
  private void stop() {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // only disk space in target/ is lost
    }
  }

  /** The blob server script of Azurite {@code version}, installed from npm if missing. */
  private static Path install(String version, Path serversDir) throws IOException {
    Path prefix = Paths.get(System.getProperty("user.home"), ".cache", "s3dlio", "azurite-" + version);
    Path main = prefix.resolve("node_modules/azurite/dist/src/blob/main.js");
    if (Files.isRegularFile(main)) {
      return main;
    }
    Files.createDirectories(prefix);
    // Several test JVMs may start at once: one installs, the others wait on the lock.
    try (FileChannel ch = FileChannel.open(prefix.resolve(".install.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
      if (Files.isRegularFile(main)) {
        return main;
      }
      Path log = serversDir.resolve("azurite-npm-install.log");
      List<String> cmd = List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(),
          "azurite@" + version);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
      try {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IOException("npm install of azurite@" + version + " took over 10 minutes; see " + log);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new IOException("interrupted while installing azurite@" + version, e);
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(main)) {
        throw new IOException("'" + String.join(" ", cmd) + "' failed (exit " + p.exitValue() + "); see " + log
            + ":\n" + tail(log));
      }
      return main;
    }
  }

  private static String node() {
    String explicit = System.getProperty("s3dlio.node");
    return explicit != null ? explicit : "node";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Azurite", e);
    }
  }
}
