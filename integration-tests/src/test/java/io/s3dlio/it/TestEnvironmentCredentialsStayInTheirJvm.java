package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.S3ProxyServer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, credentials: a driver whose S3 credentials come from its environment reads from S3
 * through this project's FileSystem, and nothing of this project puts them into what Spark sends to
 * executors (its SparkConf and the Hadoop configuration it broadcasts to file scans): each executor
 * resolves its own. The driver runs in a JVM of its own, with only the environment set here.
 *
 * <ul>
 *   <li>Keys from a profile ({@code AWS_PROFILE} and a shared credentials file): nothing carries the
 *       secret.
 *   <li>Keys in {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}: Spark itself
 *       ({@code SparkHadoopUtil}) copies these two variables into its Hadoop configuration as
 *       {@code fs.s3a.secret.key}, {@code fs.s3.awsSecretAccessKey} and {@code fs.s3n.awsSecretAccessKey},
 *       so they travel; the test pins exactly those three (none of this FileSystem's keys, which never
 *       read them), and docs/hadoop-fs.md tells users to use a profile or a credential provider to keep
 *       the keys on the driver.
 *   <li>Control: the user asks for the keys to travel ({@code spark.hadoop.fs.s3dlio.s3.*}): the
 *       search finds them, so it is not blind.
 * </ul>
 */
class TestEnvironmentCredentialsStayInTheirJvm {

  private static List<String> driver(S3ProxyServer s3, String uri, String mode, Map<String, String> credentials)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(EnvCredentialsDriver.class.getName());
    cmd.add(uri);
    cmd.add(mode);
    cmd.add(s3.secretKey());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("S3DLIO_") || k.startsWith("AZURE_"));
    env.put("AWS_ENDPOINT_URL", s3.endpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    env.put("S3DLIO_S3_PATH_STYLE", "true");
    env.putAll(credentials);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("driver ended").isTrue();
    assertThat(p.exitValue()).as("driver exit; stdout:%n%s", out).isZero();
    return out.lines().toList();
  }

  @Test
  void environmentKeysAreNotShippedToExecutorsUnlessTheUserAsks() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket("env-creds");
    ObjectUri uri = ObjectUri.parse("s3://env-creds/lines.txt");
    try (StoreRegistry stores = new StoreRegistry(s3.storeConfig())) {
      stores.storeFor(uri).put(uri, "a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
    }
    Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey());
    Path profiles = Files.createTempFile("s3dlio-profile", ".ini");
    Files.writeString(profiles, "[s3dlio-test]\naws_access_key_id = " + s3.accessKey() + "\naws_secret_access_key = "
        + s3.secretKey() + "\n");
    try {
      List<String> profile = driver(s3, uri.toString(), "env",
          Map.of("AWS_PROFILE", "s3dlio-test", "AWS_SHARED_CREDENTIALS_FILE", profiles.toString()));
      assertThat(profile).as("read with the profile's keys, then searched").contains("count 3", "searched");
      assertThat(profile).as("settings that carry the secret to executors").noneMatch(l -> l.startsWith("SHIPPED"));
    } finally {
      Files.delete(profiles);
    }

    List<String> variables = driver(s3, uri.toString(), "env", keys);
    assertThat(variables).as("read with the variables' keys, then searched").contains("count 3", "searched");
    assertThat(variables.stream().filter(l -> l.startsWith("SHIPPED")).toList())
        .as("only Spark's own copies of AWS_SECRET_ACCESS_KEY (SparkHadoopUtil)")
        .containsExactlyInAnyOrder("SHIPPED HadoopConf fs.s3a.secret.key", "SHIPPED HadoopConf fs.s3.awsSecretAccessKey",
            "SHIPPED HadoopConf fs.s3n.awsSecretAccessKey");

    List<String> asked = driver(s3, uri.toString(), "ship", keys);
    assertThat(asked).contains("count 3", "SHIPPED SparkConf spark.hadoop.fs.s3dlio.s3.secret-key",
        "SHIPPED HadoopConf fs.s3dlio.s3.secret-key");
  }
}
