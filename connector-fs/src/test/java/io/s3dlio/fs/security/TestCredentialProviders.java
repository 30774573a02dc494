package io.s3dlio.fs.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.S3ProxyServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.junit.jupiter.api.Test;

/**
 * Every secret of the FileSystem comes from a Hadoop credential provider (a real JCEKS file made
 * with Hadoop's CredentialProviderFactory) when {@code hadoop.security.credential.provider.path}
 * names one, even with no such key in the Configuration: S3 access key, secret key and session
 * token, per-bucket secrets, Azure's shared key (new and old key names).
 */
class TestCredentialProviders {

  /** A Configuration whose provider path is a new JCEKS file holding {@code secrets}. */
  private static Configuration withJceks(Map<String, String> secrets) throws IOException {
    File f = new File("target/credentials-" + UUID.randomUUID() + ".jceks").getAbsoluteFile();
    Configuration conf = new Configuration(false);
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, "jceks://file" + f.getPath());
    CredentialProvider p = CredentialProviderFactory.getProviders(conf).get(0);
    for (Map.Entry<String, String> e : secrets.entrySet()) {
      p.createCredentialEntry(e.getKey(), e.getValue().toCharArray());
    }
    p.flush();
    assertThat(f).exists();
    return conf;
  }

  private static void roundTrip(FileSystem fs, Path p) throws IOException {
    try (FSDataOutputStream out = fs.create(p, true)) {
      out.write("from a credential provider".getBytes(StandardCharsets.UTF_8));
    }
    try (FSDataInputStream in = fs.open(p)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from a credential provider");
    }
  }

  private static Configuration s3Conf(Configuration conf, String endpoint) {
    conf.set("fs.s3dlio.s3.endpoint", endpoint);
    conf.setClass("fs.s3.impl", S3dlioFileSystem.S3.class, FileSystem.class);
    conf.setBoolean("fs.s3.impl.disable.cache", true);
    return conf;
  }

  @Test
  void s3KeysComeFromTheProviderOnly() throws IOException {
    S3ProxyServer s = S3ProxyServer.get();
    s.createBucket("creds");
    Configuration conf = s3Conf(withJceks(Map.of(
        "fs.s3dlio.s3.access-key", s.accessKey(),
        "fs.s3dlio.s3.secret-key", s.secretKey())), s.endpoint().toString());
    assertThat(conf.get("fs.s3dlio.s3.secret-key")).as("not in the Configuration").isNull();
    try (FileSystem fs = FileSystem.newInstance(URI.create("s3://creds"), conf)) {
      roundTrip(fs, new Path("s3://creds/providers/" + UUID.randomUUID()));
    }
  }

  /** S3Proxy refuses temporary credentials (501), so the token is checked on the wire. */
  @Test
  void sessionTokenComesFromTheProviderOnly() throws IOException {
    S3ProxyServer s = S3ProxyServer.get();
    s.createBucket("creds");
    String token = "session-token-" + UUID.randomUUID();
    try (FaultProxy proxy = FaultProxy.start(s.endpoint())) {
      Configuration conf = s3Conf(withJceks(Map.of(
          "fs.s3dlio.s3.access-key", s.accessKey(),
          "fs.s3dlio.s3.secret-key", s.secretKey(),
          "fs.s3dlio.s3.session-token", token)), proxy.endpoint().toString());
      conf.set("fs.s3dlio.s3.max-retries", "0");
      try (FileSystem fs = FileSystem.newInstance(URI.create("s3://creds"), conf)) {
        Path p = new Path("s3://creds/providers/token");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fs.getFileStatus(p))
            .hasMessageContaining("s3://creds/providers/token").hasMessageContaining("501");
      }
      assertThat(proxy.requestHeads()).isNotEmpty().allSatisfy(h -> assertThat(h).containsIgnoringCase(
          "x-amz-security-token: " + token));
    }
  }

  @Test
  void perBucketSecretsComeFromTheProviderToo() throws IOException {
    S3ProxyServer s = S3ProxyServer.get();
    s.createBucket("creds-bucket");
    Configuration conf = withJceks(Map.of(
        "fs.s3dlio.bucket.creds-bucket.s3.access-key", s.accessKey(),
        "fs.s3dlio.bucket.creds-bucket.s3.secret-key", s.secretKey()));
    conf.set("fs.s3dlio.s3.endpoint", s.endpoint().toString());
    conf.set("fs.s3dlio.s3.access-key", "wrong-id");
    conf.set("fs.s3dlio.s3.secret-key", "wrong-secret");
    conf.setClass("fs.s3.impl", S3dlioFileSystem.S3.class, FileSystem.class);
    conf.setBoolean("fs.s3.impl.disable.cache", true);
    try (FileSystem fs = FileSystem.newInstance(URI.create("s3://creds-bucket"), conf)) {
      roundTrip(fs, new Path("s3://creds-bucket/providers/" + UUID.randomUUID()));
    }
  }

  @Test
  void azureSharedKeyComesFromTheProviderUnderEitherName() throws IOException {
    AzuriteServer a = AzuriteServer.get();
    a.createContainer("creds");
    for (String name : new String[] {"fs.s3dlio.azure.secret-key", "fs.s3dlio.azure.account-key"}) {
      Configuration conf = withJceks(Map.of(name, AzuriteServer.KEY));
      conf.set("fs.s3dlio.azure.endpoint", a.endpointTemplate());
      conf.setClass("fs.az.impl", S3dlioFileSystem.Az.class, FileSystem.class);
      conf.setBoolean("fs.az.impl.disable.cache", true);
      try (FileSystem fs = FileSystem.newInstance(URI.create("az://" + AzuriteServer.ACCOUNT), conf)) {
        roundTrip(fs, new Path("az://" + AzuriteServer.ACCOUNT + "/creds/" + UUID.randomUUID()));
      }
    }
  }
}
