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
    assertThat(c.get("azure.connection-string")).contains("AccountKey=abc");
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
        "S3DLIO_OPLOG", "/tmp/ops.tsv.zst",
        "S3DLIO_OPLOG_LEVEL", "5",
        "S3DLIO_OPLOG_BUF", "2048",
        "S3DLIO_OPLOG_LOSSLESS", "true"));
    assertThat(io.s3dlio.store.s3.S3StoreConfig.from(c).maxConnections()).isEqualTo(400);
    assertThat(io.s3dlio.store.gcs.GcsStoreConfig.from(c.with(Map.of("gcs.access-key", "k", "gcs.secret-key", "s")))
        .maxConnections()).isEqualTo(400);
    assertThat(c.getInt(StoreConfig.THREADS, 16)).isEqualTo(32);
    assertThat(c.getInt(StoreConfig.RANGE_CONCURRENCY, 1)).isEqualTo(64);
    assertThat(c.get(io.s3dlio.store.metrics.MetricsKeys.OPLOG_FILE)).contains("/tmp/ops.tsv.zst");
    assertThat(c.getInt(io.s3dlio.store.metrics.MetricsKeys.OPLOG_ZSTD_LEVEL, 1)).isEqualTo(5);
    assertThat(c.getInt(io.s3dlio.store.metrics.MetricsKeys.OPLOG_QUEUE_SIZE, 0)).isEqualTo(2048);
    assertThat(c.getBoolean(io.s3dlio.store.metrics.MetricsKeys.OPLOG_LOSSLESS, false)).isTrue();
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
}
