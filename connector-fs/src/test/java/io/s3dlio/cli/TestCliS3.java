package io.s3dlio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TestCliS3 extends AbstractCliTest {
  private static final String BUCKET = "cli-tests";

  @Override
  protected StoreConfig config() {
    return S3ProxyServer.get().storeConfig().with("s3.max-retries", "1");
  }

  @Override
  protected String remoteRoot() {
    S3ProxyServer.get().createBucket(BUCKET);
    return "s3://" + BUCKET + "/";
  }

  @Test
  void backendToBackendCopy() throws IOException {
    java.nio.file.Files.writeString(local.resolve("x.txt"), "cross");
    assertThat(run("put", local.resolve("x.txt").toString(), remote).code()).isZero();
    String localDst = "file://" + local.resolve("copied/") + "/";
    Result r = run("cp", remote + "x.txt", localDst);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(java.nio.file.Files.readString(local.resolve("copied/x.txt"))).isEqualTo("cross");
  }

  @Test
  void wrongCredentialsMissingBucketAndServerDownNameTheUri() throws IOException {
    String obj = remote + "k";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = S3dlioCli.run(new String[] {"ls", obj}, config().with("s3.secret-key", "wrong-secret"),
        new java.io.PrintStream(out), new java.io.PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains(obj).doesNotContain("wrong-secret");
    assertThat(err.toString().trim().lines().count()).isEqualTo(1);

    err.reset();
    code = S3dlioCli.run(new String[] {"stat", obj},
        StoreConfig.of(java.util.Map.of("s3.endpoint", S3ProxyServer.get().endpoint().toString())),
        new java.io.PrintStream(out), new java.io.PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains(obj).contains("no credentials found");
    assertThat(err.toString().trim().lines().count()).isEqualTo(1);

    Result noBucket = run("stat", "s3://no-such-bucket-s3dlio/k");
    assertThat(noBucket.code()).isEqualTo(1);
    assertThat(noBucket.err()).contains("s3://no-such-bucket-s3dlio/k");

    err.reset();
    int port = S3ProxyServer.freePort();
    code = S3dlioCli.run(new String[] {"stat", obj},
        config().with("s3.endpoint", "http://127.0.0.1:" + port).with("s3.max-retries", "0"),
        new java.io.PrintStream(out), new java.io.PrintStream(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains(obj);
    assertThat(err.toString().trim().lines().count()).isEqualTo(1);
  }

  /** The head of every PUT seen by {@code proxy}, lower-cased. */
  private static java.util.List<String> puts(io.s3dlio.testing.FaultProxy proxy) {
    return proxy.requestHeads().stream().filter(h -> h.startsWith("PUT "))
        .map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  @Test
  void setOverridesStoreKeysBeforeOrAfterTheCommand() throws IOException {
    java.nio.file.Path src = local.resolve("set.txt");
    java.nio.file.Files.writeString(src, "settings from the command line");
    try (io.s3dlio.testing.FaultProxy proxy = io.s3dlio.testing.FaultProxy.start(S3ProxyServer.get().endpoint())) {
      // the default: CRC32C trailer in an aws-chunked body
      Result plain = run("put", "--set", "s3.endpoint=" + proxy.endpoint(), src.toString(), remote + "set-0.txt");
      assertThat(plain.code()).as(plain.err()).isZero();
      assertThat(puts(proxy)).singleElement().asString().contains("aws-chunked").contains("x-amz-trailer");
      proxy.reset();
      // --set before the command name, twice: no checksum, no chunked encoding
      Result r = run("--set", "s3.endpoint=" + proxy.endpoint(), "--set", "s3.checksum-calculation=when_required",
          "put", "--set", "s3.chunked-encoding=false", src.toString(), remote + "set-1.txt");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(puts(proxy)).singleElement().asString().doesNotContain("aws-chunked").doesNotContain("x-amz-trailer")
          .doesNotContain("x-amz-checksum");
    }
    Result bad = run("ls", "--set", "s3.max-retries=many", remote);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("s3.max-retries").contains("many");
  }
}
