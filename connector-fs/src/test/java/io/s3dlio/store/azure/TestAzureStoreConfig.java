package io.s3dlio.store.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceVersion;
import io.s3dlio.store.StoreConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins every default and the parsing of each azure.* key (no server). */
class TestAzureStoreConfig {

  private static AzureStoreConfig of(Map<String, String> m) {
    return new AzureStoreConfig(StoreConfig.of(m));
  }

  @Test
  void defaults() {
    AzureStoreConfig c = of(Map.of());
    assertThat(c.endpointFor("acct")).isEqualTo("https://acct.blob.core.windows.net");
    assertThat(c.effectiveAuth()).isEqualTo(AzureStoreConfig.Auth.DEFAULT_CREDENTIAL);
    assertThat(c.blockSize()).isEqualTo(8 << 20);
    assertThat(c.uploadActiveBlocks()).isEqualTo(4);
    assertThat(c.maxRetries()).isEqualTo(4);
    assertThat(c.retryDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.maxRetryDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.callDeadline()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.serviceVersion()).isNull();
    assertThat(c.resumeAttempts()).isEqualTo(3);
    assertThat(c.batchDelete()).isTrue();
    assertThat(c.deleteParallelism()).isEqualTo(16);
  }

  @Test
  void autoAuthPicksConnectionStringThenKeyThenSas() {
    assertThat(of(Map.of("azure.sas-token", "sv=1", "azure.account-key", "k", "azure.connection-string", "x"))
        .effectiveAuth()).isEqualTo(AzureStoreConfig.Auth.CONNECTION_STRING);
    assertThat(of(Map.of("azure.sas-token", "sv=1", "azure.account-key", "k")).effectiveAuth())
        .isEqualTo(AzureStoreConfig.Auth.SHARED_KEY);
    assertThat(of(Map.of("azure.sas-token", "?sv=1")).effectiveAuth()).isEqualTo(AzureStoreConfig.Auth.SAS);
    assertThat(of(Map.of("azure.sas-token", "?sv=1")).sasToken()).contains("sv=1");
    assertThat(of(Map.of("azure.account-key", "k", "azure.auth", "Default-Credential")).effectiveAuth())
        .isEqualTo(AzureStoreConfig.Auth.DEFAULT_CREDENTIAL);
    assertThat(of(Map.of("azure.account-key", "  ")).effectiveAuth())
        .as("blank settings count as absent").isEqualTo(AzureStoreConfig.Auth.DEFAULT_CREDENTIAL);
  }

  @Test
  void explicitValuesAreParsed() {
    AzureStoreConfig c = of(Map.of(
        "azure.endpoint", "http://127.0.0.1:10000/{account}/",
        "azure.block-size", "1m",
        "azure.upload-active-blocks", "8",
        "azure.max-retries", "0",
        "azure.retry-base-delay", "5ms",
        "azure.retry-max-delay", "2s",
        "azure.call-deadline", "1m",
        "azure.service-version", "2021-12-02",
        "azure.bulk-delete", "Parallel",
        "azure.delete-parallelism", "3"));
    assertThat(c.endpointFor("devstoreaccount1")).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
    assertThat(c.blockSize()).isEqualTo(1 << 20);
    assertThat(c.uploadActiveBlocks()).isEqualTo(8);
    assertThat(c.maxRetries()).isZero();
    assertThat(c.retryDelay()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.maxRetryDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.callDeadline()).isEqualTo(Duration.ofMinutes(1));
    assertThat(of(Map.of("azure.read-timeout", "3s")).readTimeout()).isEqualTo(Duration.ofSeconds(3));
    // the millisecond keys of earlier versions still count when the new key is absent
    AzureStoreConfig old = of(Map.of("azure.retry-delay-ms", "250", "azure.max-retry-delay-ms", "4000",
        "azure.connect-timeout-ms", "1500"));
    assertThat(old.retryDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(old.maxRetryDelay()).isEqualTo(Duration.ofSeconds(4));
    assertThat(old.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(of(Map.of("azure.read-resumes", "5")).resumeAttempts()).as("earlier name of resume-attempts").isEqualTo(5);
    assertThat(of(Map.of("azure.read-resumes", "5", "azure.resume-attempts", "2")).resumeAttempts())
        .as("the new name wins").isEqualTo(2);
    assertThat(of(Map.of("azure.connection-string", "UseDevelopmentStorage=true")).connectionString())
        .as("earlier name of azure.secret-connection-string").contains("UseDevelopmentStorage=true");
    assertThat(c.serviceVersion()).isEqualTo(BlobServiceVersion.V2021_12_02);
    assertThat(c.batchDelete()).isFalse();
    assertThat(c.deleteParallelism()).isEqualTo(3);
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> of(Map.of("azure.auth", "oauth")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read setting azure.auth: 'oauth' (expected auto, connection-string, shared-key, sas or"
            + " default-credential)");
    assertThatThrownBy(() -> of(Map.of("azure.upload-active-blocks", "1")))
        .hasMessage("Cannot read setting azure.upload-active-blocks: 1 (expected at least 2)");
    assertThatThrownBy(() -> of(Map.of("azure.block-size", "3g")))
        .hasMessageStartingWith("Cannot read setting azure.block-size: 3221225472");
    assertThatThrownBy(() -> of(Map.of("azure.service-version", "1999-01-01")))
        .hasMessageStartingWith("Cannot read setting azure.service-version: '1999-01-01' is not a version this SDK knows");
    assertThatThrownBy(() -> of(Map.of("azure.retry-base-delay", "soon")))
        .hasMessage("Cannot read setting azure.retry-base-delay: 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
    assertThatThrownBy(() -> of(Map.of("azure.retry-delay-ms", "soon")))
        .as("an earlier name is read as its new key")
        .hasMessage("Cannot read setting azure.retry-base-delay: 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
    assertThatThrownBy(() -> of(Map.of("azure.retry-base-delay", "2s", "azure.retry-max-delay", "1s")))
        .hasMessage("Cannot read setting azure.retry-max-delay: PT1S (expected at least azure.retry-base-delay)");
    assertThatThrownBy(() -> of(Map.of("azure.bulk-delete", "all")))
        .hasMessage("Cannot read setting azure.bulk-delete: all (expected batch or parallel)");
  }

  @Test
  void connectionStringAccountAndSasKind() {
    assertThat(AzureObjectStore.connectionStringAccount("DefaultEndpointsProtocol=https;AccountName=abc;AccountKey=k=="))
        .isEqualTo("abc");
    assertThat(AzureObjectStore.connectionStringAccount("UseDevelopmentStorage=true")).isEqualTo("devstoreaccount1");
    assertThat(AzureObjectStore.connectionStringAccount("BlobEndpoint=https://x/;SharedAccessSignature=sv=1")).isNull();
    assertThat(AzureObjectStore.isServiceSas("sv=2021&sr=c&sp=rl&sig=abc")).isTrue();
    assertThat(AzureObjectStore.isServiceSas("sv=2021&ss=b&srt=sco&sp=rl&sig=abc")).isFalse();
  }

  @Test
  void secretsAreScrubbedFromTexts() {
    assertThat(AzureErrors.scrub("GET https://a/c/b?sv=1&sig=AbC%2Fd%3D&se=2 failed"))
        .isEqualTo("GET https://a/c/b?sv=1&sig=****&se=2 failed");
    assertThat(AzureErrors.scrub("AccountName=a;AccountKey=Zm9v+/==;BlobEndpoint=x"))
        .isEqualTo("AccountName=a;AccountKey=****;BlobEndpoint=x");
    assertThat(AzureErrors.shortMessage("<?xml version=\"1.0\"?><Error><Code>AuthenticationFailed</Code><Message>"
        + "Server failed to authenticate the request.\nRequestId:1</Message><AuthenticationErrorDetail>The MAC"
        + " signature found in the HTTP request 'xyz' is not the same</AuthenticationErrorDetail></Error>"))
        .isEqualTo("Server failed to authenticate the request.");
  }

  @Test
  void providerIsFoundByScheme() throws Exception {
    try (var store = io.s3dlio.store.ObjectStores.open(io.s3dlio.store.ObjectUri.Scheme.AZ, StoreConfig.EMPTY)) {
      assertThat(store.scheme()).isEqualTo(io.s3dlio.store.ObjectUri.Scheme.AZ);
      assertThat(store.supportsConditionalCreate()).isTrue();
      assertThat(store.bulkDeletePageSize()).isEqualTo(256);
    }
  }
}
