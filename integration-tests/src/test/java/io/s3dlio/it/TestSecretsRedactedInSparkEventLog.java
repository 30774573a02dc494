package io.s3dlio.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A small Spark job on s3:// and az:// with every secret of the FileSystem set as
 * {@code spark.hadoop.fs.s3dlio.*} (the S3 test server's random secret key, Azurite's key, a
 * session token, a SAS token, a connection string), one job that fails: none of the secret values
 * appears in Spark's event log (Spark redacts keys matching {@code spark.redaction.regex}, whose
 * default the secret key names match) nor in the failure's text, and the redacted keys are there.
 */
class TestSecretsRedactedInSparkEventLog {

  @Test
  void eventLogAndErrorsHoldNoSecret() throws Exception {
    FileSystem.closeAll();
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket("redaction");
    AzuriteServer az = AzuriteServer.get();
    az.createContainer("redaction");
    String token = "TOKEN" + UUID.randomUUID().toString().replace("-", "");
    String sasSig = "SIG" + UUID.randomUUID().toString().replace("-", "");
    String cs = "AccountName=other;AccountKey=CSKEY" + UUID.randomUUID().toString().replace("-", "") + ";";
    File logDir = new File("target/event-logs-" + UUID.randomUUID()).getAbsoluteFile();
    assertThat(logDir.mkdirs()).isTrue();
    List<String> secrets = List.of(s3.secretKey(), AzuriteServer.KEY, token, sasSig, cs.substring(cs.indexOf("CSKEY")));
    List<String> texts = new ArrayList<>();
    SparkSession spark = SparkSession.builder().master("local[1]").appName("s3dlio-redaction")
        .config("spark.ui.enabled", "false")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", logDir.toURI().toString())
        .config("spark.eventLog.compress", "false")
        .config("spark.hadoop.fs.s3.impl", S3dlioFileSystem.S3.class.getName())
        .config("spark.hadoop.fs.az.impl", S3dlioFileSystem.Az.class.getName())
        .config("spark.hadoop.fs.s3dlio.s3.endpoint", s3.endpoint().toString())
        .config("spark.hadoop.fs.s3dlio.s3.access-key", s3.accessKey())
        .config("spark.hadoop.fs.s3dlio.s3.secret-key", s3.secretKey())
        .config("spark.hadoop.fs.s3dlio.bucket.other.s3.session-token", token)
        .config("spark.hadoop.fs.s3dlio.azure.endpoint", az.endpointTemplate())
        .config("spark.hadoop.fs.s3dlio.azure.secret-key", AzuriteServer.KEY)
        .config("spark.hadoop.fs.s3dlio.bucket.otheraccount.azure.sas-token", "sv=2021-12-02&sig=" + sasSig)
        .config("spark.hadoop.fs.s3dlio.bucket.third.azure.secret-connection-string", cs)
        .getOrCreate();
    try {
      String s3Path = "s3://redaction/t-" + UUID.randomUUID();
      String azPath = "az://" + AzuriteServer.ACCOUNT + "/redaction/t-" + UUID.randomUUID();
      spark.range(100).write().parquet(s3Path);
      spark.range(100).write().parquet(azPath);
      assertThat(spark.read().parquet(s3Path).count()).isEqualTo(100);
      assertThat(spark.read().parquet(azPath).count()).isEqualTo(100);
      try {
        spark.read().parquet("az://otheraccount/redaction/missing").count();
        texts.add("(no failure)");
      } catch (Exception e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        texts.add(w.toString());
      }
    } finally {
      spark.stop();
    }
    // Spark 4 writes a folder per application (rolling event logs) or one file
    List<java.nio.file.Path> logs;
    try (var walk = Files.walk(logDir.toPath())) {
      logs = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(logs).isNotEmpty();
    StringBuilder eventLog = new StringBuilder();
    for (java.nio.file.Path f : logs) {
      eventLog.append(Files.readString(f, StandardCharsets.UTF_8));
    }
    assertThat(eventLog.toString()).contains("spark.hadoop.fs.s3dlio.s3.secret-key")
        .contains("spark.hadoop.fs.s3dlio.azure.secret-key").contains("(redacted)");
    texts.add(eventLog.toString());
    for (String secret : secrets) {
      for (String t : texts) {
        assertThat(t).as("secret %s... leaked", secret.substring(0, 4)).doesNotContain(secret);
      }
    }
  }
}
