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
