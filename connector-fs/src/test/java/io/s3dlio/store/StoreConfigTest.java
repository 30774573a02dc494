package io.s3dlio.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void mapsStandardEnvironmentVariables() {
    StoreConfig c = StoreConfig.fromEnvironment(Map.of(
        "AWS_ENDPOINT_URL", "http://127.0.0.1:9000",
        "AWS_SECRET_ACCESS_KEY", "s3cr3t",
        "AZURE_STORAGE_CONNECTION_STRING", "AccountKey=abc",
        "UNRELATED", "x"));
    assertThat(c.get("s3.endpoint")).contains("http://127.0.0.1:9000");
    assertThat(c.get("s3.secret-key")).contains("s3cr3t");
    assertThat(c.get("azure.secret-connection-string")).contains("AccountKey=abc");
    assertThat(c.toString()).contains("s3.endpoint=http://127.0.0.1:9000")
        .doesNotContain("s3cr3t").doesNotContain("AccountKey=abc");
  }

  /** The original s3dlio's knobs reach the settings that use them. */
  @Test
  void mapsTheS3dlioKnobs() {
    StoreConfig c = StoreConfig.fromEnvironment(Map.of(
        "S3DLIO_MAX_HTTP_CONNECTIONS", "400",
        "S3DLIO_RT_THREADS", "32",
        "S3DLIO_RANGE_CONCURRENCY", "64",
        "S3DLIO_RANGE_PART_SIZE", "16m",
        "S3DLIO_OPLOG", "/tmp/ops.tsv.zst",
        "S3DLIO_OPLOG_LEVEL", "5",
        "S3DLIO_OPLOG_BUF", "2048",
        "S3DLIO_OPLOG_LOSSLESS", "true"));
    assertThat(io.s3dlio.store.s3.S3StoreConfig.from(c).maxConnections()).isEqualTo(400);
    assertThat(io.s3dlio.store.gcs.GcsStoreConfig.from(c.with(Map.of("gcs.access-key", "k", "gcs.secret-key", "s")))
        .maxConnections()).isEqualTo(400);
    assertThat(c.getInt(StoreConfig.THREADS, 16)).isEqualTo(32);
    assertThat(c.getInt(StoreConfig.RANGE_CONCURRENCY, 1)).isEqualTo(64);
    assertThat(ParallelDownload.Settings.from(c)).isEqualTo(new ParallelDownload.Settings(64, 16L << 20));
    assertThat(c.get(io.s3dlio.store.metrics.MetricsKeys.OPLOG_FILE)).contains("/tmp/ops.tsv.zst");
    assertThat(c.getInt(io.s3dlio.store.metrics.MetricsKeys.OPLOG_ZSTD_LEVEL, 1)).isEqualTo(5);
    assertThat(c.getInt(io.s3dlio.store.metrics.MetricsKeys.OPLOG_QUEUE_SIZE, 0)).isEqualTo(2048);
    assertThat(c.getBoolean(io.s3dlio.store.metrics.MetricsKeys.OPLOG_LOSSLESS, false)).isTrue();
  }

  @Test
  void anEarlierKeyNameSetThroughTheEnvironmentIsReadAsItsKey() {
    assertThat(StoreConfig.fromEnvironment(Map.of("S3DLIO_AZURE_READ_RESUMES", "7")).get("azure.resume-attempts"))
        .contains("7");
  }

  @Test
  void parsesTypedValuesAndNamesTheKeyOnError() {
    StoreConfig c = StoreConfig.of(Map.of("a", "8m", "b", "12", "c", "true", "d", "lots"));
    assertThat(c.getBytes("a", 0)).isEqualTo(8L << 20);
    assertThat(c.getInt("b", 0)).isEqualTo(12);
    assertThat(c.getBoolean("c", false)).isTrue();
    assertThat(c.getInt("missing", 5)).isEqualTo(5);
    assertThatThrownBy(() -> c.getInt("d", 0)).hasMessageContaining("d").hasMessageContaining("lots");
    assertThatThrownBy(() -> c.getBytes("d", 0)).hasMessageContaining("not a size");
  }

  @org.junit.jupiter.api.Test
  void anyKeyCanComeFromS3dlioVariablesWhichWinOverTheStandardOnes() {
    StoreConfig c = StoreConfig.fromEnvironment(java.util.Map.of(
        "AWS_REGION", "eu-west-1",
        "S3DLIO_S3_REGION", "us-west-2",
        "S3DLIO_S3_CHECKSUM_CALCULATION", "when_required",
        "S3DLIO_S3_CHUNKED_ENCODING", "false",
        "S3DLIO_AZURE_CALL_DEADLINE", "30s",
        "S3DLIO_DIRECT_BUFFER_SIZE", "8m",
        "S3DLIO_NOT_A_KNOB", "7",
        "S3DLIO_", "x"));
    org.assertj.core.api.Assertions.assertThat(c.get("s3.region")).contains("us-west-2");
    org.assertj.core.api.Assertions.assertThat(c.get("s3.checksum-calculation")).contains("when_required");
    org.assertj.core.api.Assertions.assertThat(c.get("s3.chunked-encoding")).contains("false");
    org.assertj.core.api.Assertions.assertThat(c.get("azure.call-deadline")).contains("30s");
    org.assertj.core.api.Assertions.assertThat(c.get("direct.buffer-size")).contains("8m");
    org.assertj.core.api.Assertions.assertThat(c.withPrefix("")).as("variables of no backend are not store keys")
        .hasSize(5);
    org.assertj.core.api.Assertions.assertThat(StoreConfig.envOf("s3.checksum-calculation"))
        .isEqualTo("S3DLIO_S3_CHECKSUM_CALCULATION");
    org.assertj.core.api.Assertions.assertThat(StoreConfig.keyOfEnv(StoreConfig.envOf("azure.retry-max-delay")))
        .isEqualTo("azure.retry-max-delay");
  }

  @org.junit.jupiter.api.Test
  void durationsReadTheOneConvention() {
    StoreConfig c = StoreConfig.of(java.util.Map.of("a", "250ms", "b", "10s", "c", "8m", "d", "1h", "e", "1500"));
    org.assertj.core.api.Assertions.assertThat(c.getDuration("a", null)).isEqualTo(java.time.Duration.ofMillis(250));
    org.assertj.core.api.Assertions.assertThat(c.getDuration("b", null)).isEqualTo(java.time.Duration.ofSeconds(10));
    org.assertj.core.api.Assertions.assertThat(c.getDuration("c", null)).isEqualTo(java.time.Duration.ofMinutes(8));
    org.assertj.core.api.Assertions.assertThat(c.getDuration("d", null)).isEqualTo(java.time.Duration.ofHours(1));
    org.assertj.core.api.Assertions.assertThat(c.getDuration("e", null)).isEqualTo(java.time.Duration.ofMillis(1500));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreConfig.of(java.util.Map.of("x", "soon"))
        .getDuration("x", null)).hasMessage("Cannot read setting x: 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
  }
}
