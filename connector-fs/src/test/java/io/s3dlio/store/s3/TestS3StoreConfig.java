package io.s3dlio.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins every default and key of {@link S3StoreConfig}. */
class TestS3StoreConfig {

  @Test
  void defaults() {
    S3StoreConfig c = S3StoreConfig.from(StoreConfig.EMPTY);
    assertThat(c.scheme()).isEqualTo(ObjectUri.Scheme.S3);
    assertThat(c.endpoint()).isNull();
    assertThat(c.region()).isEqualTo("us-east-1");
    assertThat(c.pathStyle()).isFalse();
    assertThat(c.credentialsSource()).isEqualTo("default chain");
    assertThat(c.maxConnections()).isEqualTo(64);
    assertThat(c.maxRetries()).isEqualTo(7);
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.checksumCalculation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_SUPPORTED);
    assertThat(c.checksumValidation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_SUPPORTED);
    assertThat(c.partSize()).isEqualTo(8L << 20);
    assertThat(c.uploadActiveBlocks()).isEqualTo(4);
    assertThat(c.resumeAttempts()).isEqualTo(3);
    assertThat(c.copyMultipartThreshold()).isEqualTo(5L << 30);
    assertThat(c.copyPartSize()).isEqualTo(512L << 20);
    assertThat(c.bulkDelete()).isTrue();
    assertThat(c.conditionalCreate()).isEqualTo(S3StoreConfig.ConditionalCreate.IF_NONE_MATCH);
  }

  @Test
  void everyKey() {
    S3StoreConfig c = S3StoreConfig.from(StoreConfig.of(Map.ofEntries(
        Map.entry("s3.endpoint", "http://127.0.0.1:9000"),
        Map.entry("s3.region", "eu-west-1"),
        Map.entry("s3.access-key", "AKIDEXAMPLE"),
        Map.entry("s3.secret-key", "very-secret"),
        Map.entry("s3.session-token", "session-token-value"),
        Map.entry("s3.max-connections", "5"),
        Map.entry("s3.max-retries", "0"),
        Map.entry("s3.connect-timeout", "1500ms"),
        Map.entry("s3.read-timeout", "2m"),
        Map.entry("s3.checksum-calculation", "when_required"),
        Map.entry("s3.checksum-validation", "WHEN-REQUIRED"),
        Map.entry("s3.part-size", "16m"),
        Map.entry("s3.upload-active-blocks", "2"),
        Map.entry("s3.resume-attempts", "0"),
        Map.entry("s3.copy-multipart-threshold", "1g"),
        Map.entry("s3.copy-part-size", "100m"))));
    assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.pathStyle()).as("path style by default with an endpoint").isTrue();
    assertThat(c.credentialsSource()).isEqualTo("explicit session keys");
    assertThat(c.maxConnections()).isEqualTo(5);
    assertThat(c.maxRetries()).isZero();
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.readTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.checksumCalculation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
    assertThat(c.checksumValidation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
    assertThat(c.partSize()).isEqualTo(16L << 20);
    assertThat(c.uploadActiveBlocks()).isEqualTo(2);
    assertThat(c.resumeAttempts()).isZero();
    assertThat(c.copyMultipartThreshold()).isEqualTo(1L << 30);
    assertThat(c.copyPartSize()).isEqualTo(100L << 20);
    assertThat(c.toString()).doesNotContain("very-secret").doesNotContain("session-token-value")
        .contains("endpoint=http://127.0.0.1:9000");
    assertThat(S3StoreConfig.from(StoreConfig.of(Map.of("s3.endpoint", "http://h:1", "s3.path-style", "false")))
        .pathStyle()).isFalse();
    assertThat(S3StoreConfig.from(StoreConfig.of(Map.of("s3.profile", "dev"))).credentialsSource())
        .isEqualTo("profile dev");
  }

  @Test
  void endpointWithoutSchemeIsHttps() {
    S3StoreConfig c = S3StoreConfig.from(StoreConfig.EMPTY.with(Map.of("s3.endpoint", "minio.local:9000")));
    assertThat(c.endpoint()).isEqualTo(URI.create("https://minio.local:9000"));
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.part-size", "4m"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use setting s3.part-size: 4194304 bytes (need 5m to 2047m)");
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.checksum-calculation", "always"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read setting s3.checksum-calculation: 'always' is not when_supported or when_required");
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.read-timeout", "soon"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read setting s3.read-timeout: 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.max-connections", "0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use setting s3.max-connections: 0 (need >= 1)");
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.access-key", "AKID"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use setting s3.access-key/s3.secret-key: set both or neither");
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.upload-active-blocks", "1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use setting s3.upload-active-blocks: 1 (need >= 2)");
  }

  @Test
  void keyOrderIsCodePointOrder() {
    // U+FF21 (BMP) sorts before U+1F600 (surrogate pair) in UTF-8 and code points, not in UTF-16
    assertThat(S3ObjectStore.compareKeys("\uFF21", "\uD83D\uDE00")).isNegative();
    assertThat("\uFF21".compareTo("\uD83D\uDE00")).isPositive();
    assertThat(S3ObjectStore.compareKeys("a/", "a/b")).isNegative();
    assertThat(S3ObjectStore.compareKeys("ab", "ab")).isZero();
  }

  @Test
  void retryDeadlineChunkingAndCopyKeys() {
    S3StoreConfig d = S3StoreConfig.from(StoreConfig.EMPTY);
    assertThat(d.retryBaseDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(d.retryThrottleDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(d.retryMaxDelay()).isEqualTo(Duration.ofSeconds(20));
    assertThat(d.callDeadline()).isEqualTo(Duration.ofMinutes(15));
    assertThat(d.chunkedEncoding()).isTrue();
    assertThat(d.copyParallelism()).isEqualTo(8);
    S3StoreConfig c = S3StoreConfig.from(StoreConfig.of(Map.of("s3.retry-base-delay", "5ms",
        "s3.retry-throttle-delay", "50ms", "s3.retry-max-delay", "2s", "s3.call-deadline", "0",
        "s3.chunked-encoding", "false", "s3.copy-parallelism", "3")));
    assertThat(c.retryBaseDelay()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.retryThrottleDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.retryMaxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.callDeadline()).isZero();
    assertThat(c.chunkedEncoding()).isFalse();
    assertThat(c.copyParallelism()).isEqualTo(3);
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.retry-max-delay", "10ms"))))
        .hasMessageStartingWith("Cannot use setting s3.retry-max-delay: PT0.01S");
    assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.of(Map.of("s3.copy-parallelism", "0"))))
        .hasMessageStartingWith("Cannot use setting s3.copy-parallelism: 0");
  }

  @Test
  void theSdksOwnChecksumSettingsAreHonouredUnlessAKeySaysOtherwise() throws Exception {
    java.nio.file.Path cfg = java.nio.file.Files.createTempFile("aws-config", "");
    java.nio.file.Files.writeString(cfg, "[profile rgw]\nrequest_checksum_calculation = when_required\n"
        + "response_checksum_validation = WHEN_REQUIRED\n");
    System.setProperty("aws.configFile", cfg.toString());
    try {
      S3StoreConfig fromProfile = S3StoreConfig.from(StoreConfig.of(Map.of("s3.profile", "rgw")));
      assertThat(fromProfile.checksumCalculation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
      assertThat(fromProfile.checksumValidation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
      S3StoreConfig keyWins = S3StoreConfig.from(StoreConfig.of(Map.of("s3.profile", "rgw",
          "s3.checksum-calculation", "when_supported")));
      assertThat(keyWins.checksumCalculation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_SUPPORTED);
      assertThat(keyWins.checksumValidation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);

      // the system property / AWS_REQUEST_CHECKSUM_CALCULATION (SdkSystemSetting reads both)
      System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
      S3StoreConfig fromProperty = S3StoreConfig.from(StoreConfig.EMPTY);
      assertThat(fromProperty.checksumCalculation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
      assertThat(fromProperty.checksumValidation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_SUPPORTED);
      // gs:// (GCS XML API) is not S3: the AWS settings do not reach it
      System.setProperty("aws.requestChecksumCalculation", "when_supported");
      assertThat(io.s3dlio.store.gcs.GcsStoreConfig.from(StoreConfig.of(Map.of("gcs.access-key", "a",
          "gcs.secret-key", "b"))).checksumCalculation()).isEqualTo(S3StoreConfig.ChecksumMode.WHEN_REQUIRED);
      System.setProperty("aws.requestChecksumCalculation", "sometimes");
      assertThatThrownBy(() -> S3StoreConfig.from(StoreConfig.EMPTY))
          .hasMessageContaining("AWS_REQUEST_CHECKSUM_CALCULATION").hasMessageContaining("sometimes");
    } finally {
      System.clearProperty("aws.configFile");
      System.clearProperty("aws.requestChecksumCalculation");
      java.nio.file.Files.deleteIfExists(cfg);
    }
  }
}
