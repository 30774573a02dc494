package io.s3dlio.fs.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.metrics.MetricsKeys;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * Known secrets (an S3 secret key and session token, an Azure account key, a SAS signature, a
 * connection string) set on stores, FileSystems and the CLI that then fail in every way we can
 * provoke (refused credentials, a dead endpoint, a malformed connection string, a missing bucket):
 * none of the secrets appears in anything written during the run, which is everything printed to
 * stdout and stderr (the logs), the operation log ({@code oplog.file}) and every exception's full
 * text (messages, causes, suppressed exceptions, stack traces). Also: the key names of every secret match Spark's default
 * {@code spark.redaction.regex}, so Spark's UI and event logs hide their values.
 */
class TestSecretsNeverWritten {
  private static final String S3_SECRET = "S3SECRETabc123def456ghi789jkl0mnopqrstuv";
  private static final String S3_TOKEN = "S3TOKENzyx987wvu654tsr321";
  /** Valid base64 (the SDK decodes it), not Azurite's key. */
  private static final String AZ_KEY = "QVpLRVlzZWNyZXQxMjM0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcA==";
  private static final String SAS_SIG = "SASSIGsecretQWERTY12345";

  /** Spark 4.2's default spark.redaction.regex (org.apache.spark.internal.config, SECRET_REDACTION_PATTERN). */
  private static final Pattern SPARK_REDACTION = Pattern.compile("(?i)secret|password|token|access[.]?key");

  private final List<String> texts = new ArrayList<>();

  private void record(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    texts.add(w.toString());
  }

  private void expectFailure(ThrowingRunnable r) {
    try {
      r.run();
      texts.add("(no failure)");
    } catch (Throwable t) {
      record(t);
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void noSecretIsEverWritten() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket("secrets");
    AzuriteServer az = AzuriteServer.get();
    az.createContainer("secrets");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(tee);
    System.setErr(tee);
    // the operation log of every store and FileSystem below: written too, so searched too
    java.nio.file.Path opLog = java.nio.file.Files.createTempDirectory("secrets-oplog").resolve("ops.tsv.zst");
    try {
      StoreConfig s3Wrong = s3.storeConfig().with(Map.of("s3.secret-key", S3_SECRET, "s3.session-token", S3_TOKEN,
          "s3.max-retries", "1", MetricsKeys.OPLOG_FILE, opLog.toString()));
      ObjectUri s3Uri = ObjectUri.parse("s3://secrets/x.bin");
      try (ObjectStore st = ObjectStores.open(ObjectUri.Scheme.S3, s3Wrong)) {
        expectFailure(() -> st.put(s3Uri, new byte[] {1}));
        expectFailure(() -> st.get(s3Uri));
        expectFailure(() -> st.list(s3Uri, io.s3dlio.store.ListOptions.recursive()));
        texts.add(st.toString());
      }
      texts.add(s3Wrong.toString());
      try (ObjectStore st = ObjectStores.open(ObjectUri.Scheme.S3,
          s3Wrong.with("s3.endpoint", "http://127.0.0.1:" + deadPort()))) {
        expectFailure(() -> st.stat(s3Uri));
      }

      String sas = "sv=2021-12-02&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig=" + SAS_SIG;
      String cs = "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey=" + AZ_KEY
          + ";BlobEndpoint=" + az.endpoint() + ";";
      ObjectUri azUri = ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/secrets/x.bin");
      List<StoreConfig> azConfigs = List.of(
          az.storeConfig().with(Map.of("azure.secret-key", AZ_KEY, "azure.max-retries", "1")),
          az.storeConfig().with(Map.of("azure.auth", "sas", "azure.sas-token", sas, "azure.max-retries", "1")),
          StoreConfig.of(Map.of("azure.secret-connection-string", cs, "azure.max-retries", "1")),
          StoreConfig.of(Map.of("azure.secret-connection-string", "garbage;" + AZ_KEY)),
          az.storeConfig().with(Map.of("azure.secret-key", AZ_KEY, "azure.max-retries", "1",
              "azure.endpoint", "http://127.0.0.1:" + deadPort() + "/{account}")));
      for (StoreConfig c : azConfigs) {
        texts.add(c.toString());
        try (ObjectStore st = ObjectStores.open(ObjectUri.Scheme.AZ, c.with(MetricsKeys.OPLOG_FILE, opLog.toString()))) {
          expectFailure(() -> st.put(azUri, new byte[] {1}));
          expectFailure(() -> st.get(azUri));
          expectFailure(() -> st.copy(azUri, azUri.withKey("y.bin")));
        }
      }

      // the FileSystem, with the same secrets in its Configuration
      Configuration conf = new Configuration(false);
      conf.setClass("fs.s3.impl", S3dlioFileSystem.S3.class, FileSystem.class);
      conf.setBoolean("fs.s3.impl.disable.cache", true);
      conf.set("fs.s3dlio.s3.endpoint", s3.endpoint().toString());
      conf.set("fs.s3dlio.s3.access-key", s3.accessKey());
      conf.set("fs.s3dlio.s3.secret-key", S3_SECRET);
      conf.set("fs.s3dlio.s3.max-retries", "1");
      conf.set("fs.s3dlio." + MetricsKeys.OPLOG_FILE, opLog.toString());
      try (FileSystem fs = FileSystem.newInstance(URI.create("s3://secrets"), conf)) {
        texts.add(fs.toString());
        expectFailure(() -> fs.getFileStatus(new Path("s3://secrets/x.bin")));
        expectFailure(() -> fs.create(new Path("s3://secrets/y.bin")).close());
        expectFailure(() -> fs.listStatus(new Path("s3://secrets/")));
      }

      // the CLI
      ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
      for (String[] args : List.of(new String[] {"ls", "s3://secrets/"}, new String[] {"stat", azUri.toString()},
          new String[] {"put", "/etc/hostname", "s3://secrets/z"})) {
        S3dlioCli.run(args, s3Wrong.with(azConfigs.get(0).withPrefix("")), new PrintStream(cliOut), new PrintStream(cliOut));
      }
      texts.add(cliOut.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    texts.add(captured.toString(StandardCharsets.UTF_8));
    String ops;
    try (java.io.InputStream in = new com.github.luben.zstd.ZstdInputStream(java.nio.file.Files.newInputStream(opLog))) {
      ops = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(ops.lines().count()).as("operations logged (the failed ones included)").isGreaterThan(20);
    texts.add(ops);

    assertThat(texts).hasSizeGreaterThan(20);
    assertThat(String.join("\n", texts)).as("failures were provoked").contains("access denied");
    for (String secret : new String[] {S3_SECRET, S3_TOKEN, AZ_KEY, SAS_SIG}) {
      for (String t : texts) {
        assertThat(t).as("a secret in:%n%s", t).doesNotContain(secret);
      }
    }
  }

  @Test
  void everySecretKeyIsRedactedBySparksDefaultPattern() {
    for (String key : new String[] {"s3.secret-key", "s3.session-token", "gcs.secret-key", "azure.secret-key",
        "azure.sas-token", "azure.secret-connection-string"}) {
      assertThat(SPARK_REDACTION.matcher("spark.hadoop.fs.s3dlio." + key).find()).as(key).isTrue();
    }
    // the earlier names were not: still read, no longer documented
    assertThat(SPARK_REDACTION.matcher("spark.hadoop.fs.s3dlio.azure.account-key").find()).isFalse();
    assertThat(SPARK_REDACTION.matcher("spark.hadoop.fs.s3dlio.azure.connection-string").find()).isFalse();
  }
}
