package io.s3dlio.testing;

import io.s3dlio.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One Ceph RADOS Gateway (Ceph 16, Debian's {@code radosgw ceph-mon ceph-osd}) per test JVM: a
 * single-node memstore cluster on 127.0.0.1 started by {@code connector-fs/src/test/rgw/start-rgw.sh}
 * under {@code target/test-servers/rgw} and stopped by {@code stop-rgw.sh} from a shutdown hook.
 * Only the opt-in {@code -Prgw} profile uses it (see {@code docs/s3-compatibility.md}).
 */
public final class RgwServer {
  private static RgwServer instance;

  private final Path dir;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;

  private RgwServer(Path dir, URI endpoint, String accessKey, String secretKey) {
    this.dir = dir;
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** The running gateway, started on the first call. */
  public static synchronized RgwServer get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start Ceph RGW: " + e.getMessage(), e);
      }
    }
    return instance;
  }

  private static Path script(String name) {
    return Paths.get(System.getProperty("s3dlio.rgw.scripts", "src/test/rgw")).resolve(name).toAbsolutePath();
  }

  /** Starts the cluster, trying twice: a monitor on a loaded machine sometimes misses its first start. */
  private static RgwServer start() throws IOException {
    try {
      return startOnce();
    } catch (IOException first) {
      System.err.println("RGW did not start, trying once more: " + first.getMessage());
      return startOnce();
    }
  }

  private static RgwServer startOnce() throws IOException {
    Path dir = Paths.get(System.getProperty("s3dlio.test.servers.dir", "target/test-servers")).resolve("rgw")
        .toAbsolutePath();
    Files.createDirectories(dir);
    Path log = dir.resolve("start-rgw.out");
    Process p = new ProcessBuilder("bash", script("start-rgw.sh").toString(), dir.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("start-rgw.sh did not finish in 180 s; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting RGW", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(dir), "rgw-stop"));
    if (p.exitValue() != 0) {
      throw new IOException("start-rgw.sh exited with " + p.exitValue() + "; see " + log + ":\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("rgw.env"), StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new RgwServer(dir, URI.create(env.get("RGW_ENDPOINT")), env.get("RGW_ACCESS_KEY"), env.get("RGW_SECRET_KEY"));
  }

  private static void stop(Path dir) {
    try {
      new ProcessBuilder("bash", script("stop-rgw.sh").toString(), dir.toString()).inheritIO().start()
          .waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println("Cannot stop RGW: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** The store's settings for this gateway with the SDK's defaults (which RGW 16 refuses: see docs). */
  public StoreConfig defaultStoreConfig() {
    return StoreConfig.of(Map.of("s3.endpoint", endpoint.toString(), "s3.region", "us-east-1",
        "s3.path-style", "true", "s3.access-key", accessKey, "s3.secret-key", secretKey));
  }

  /** The settings docs/s3-compatibility.md recommends for Ceph RGW over http. */
  public StoreConfig storeConfig() {
    return defaultStoreConfig().with(Map.of("s3.chunked-encoding", "false", "s3.checksum-calculation", "when_required",
        "s3.checksum-validation", "when_required"));
  }

  /** Creates a bucket (no error when it already exists). */
  public void createBucket(String name) {
    try (S3Client c = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
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

  /** The folder of the cluster (logs under {@code log/}). */
  public Path dir() {
    return dir;
  }
}
