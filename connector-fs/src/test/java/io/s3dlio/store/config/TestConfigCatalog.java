package io.s3dlio.store.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key registry of connector-fs: its definitions hold together, earlier names still work, with one warning. */
class TestConfigCatalog {

  @Test
  void everyKeyIsDefinedOnceAndItsDefaultReadsAsItsType() {
    List<ConfigKey> keys = ConfigCatalog.keys();
    assertThat(keys).extracting(ConfigKey::name).contains("s3.endpoint", "gcs.part-size", "azure.resume-attempts",
        "direct.fallback", "oplog.max-wait", "fs.s3dlio.read.policy");
    Set<String> names = new HashSet<>();
    for (ConfigKey k : keys) {
      assertThat(names.add(k.name())).as("defined once: " + k.name()).isTrue();
      if (k.defaultValue() == null) {
        continue;
      }
      switch (k.type()) {
        case INT -> k.intDefault();
        case SIZE -> assertThat(k.sizeDefault()).as(k.name()).isPositive();
        case DURATION -> assertThat(k.durationDefault()).as(k.name()).isPositive();
        case BOOLEAN -> assertThat(k.defaultValue()).as(k.name()).isIn("true", "false");
        default -> { }
      }
    }
    for (String old : ConfigCatalog.renames().keySet()) {
      assertThat(names).as("an earlier name is no key of its own: " + old).doesNotContain(old);
    }
  }

  /** One convention: durations and sizes carry their unit in the value, not in the key's name. */
  @Test
  void noKeyNameCarriesAUnit() {
    for (ConfigKey k : ConfigCatalog.keys()) {
      assertThat(k.name()).as(k.name()).doesNotEndWith("-ms").doesNotEndWith("-seconds").doesNotEndWith("-bytes")
          .doesNotEndWith("-mb");
    }
    assertThat(ConfigCatalog.keys()).extracting(ConfigKey::name)
        .as("one name for the resumes of a broken download on every backend")
        .contains("s3.resume-attempts", "gcs.resume-attempts", "azure.resume-attempts")
        .doesNotContain("azure.read-resumes");
  }

  @Test
  void earlierNamesAreReadAsTheirKeysAndTheNewNameWins() {
    StoreConfig c = StoreConfig.of(Map.of("azure.read-resumes", "5", "azure.retry-delay-ms", "250"));
    assertThat(c.get("azure.resume-attempts")).contains("5");
    assertThat(c.getDuration("azure.retry-base-delay", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.get("azure.read-resumes")).as("the earlier name is gone").isEmpty();
    StoreConfig both = StoreConfig.of(Map.of("azure.read-resumes", "5", "azure.resume-attempts", "2"));
    assertThat(both.get("azure.resume-attempts")).contains("2");
    assertThat(StoreConfig.of(Map.of()).with("azure.account-key", "k").get("azure.secret-key"))
        .as("also through with()").contains("k");
  }

  @Test
  void aPlainNumberKeepsTheUnitOfItsEarlierName() {
    ConfigKey.Alias seconds = new ConfigKey.Alias("x.grace-seconds", "s");
    assertThat(seconds.translate("30")).isEqualTo("30s");
    assertThat(seconds.translate("2m")).as("a value with a unit is kept").isEqualTo("2m");
    assertThat(new ConfigKey.Alias("x.wait-ms", null).translate("250")).isEqualTo("250");
  }

  @Test
  void theFirstUseOfAnEarlierNameIsLoggedOnceNamingBothKeysAndNoValue() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      StoreConfig a = StoreConfig.of(Map.of("oplog.max-wait-ms", "250"));
      StoreConfig b = StoreConfig.of(Map.of("oplog.max-wait-ms", "300"));
      assertThat(a.getDuration("oplog.max-wait", null)).isEqualTo(Duration.ofMillis(250));
      assertThat(b.getDuration("oplog.max-wait", null)).isEqualTo(Duration.ofMillis(300));
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).containsOnlyOnce("Setting oplog.max-wait-ms is deprecated: use oplog.max-wait")
        .doesNotContain("250").doesNotContain("300");
  }

  @Test
  void secretKeysIncludeTheirEarlierNames() {
    assertThat(ConfigCatalog.secretKeys()).contains("s3.secret-key", "gcs.secret-key", "azure.secret-key",
        "azure.account-key", "azure.connection-string", "azure.sas-token").doesNotContain("s3.endpoint");
  }

  @Test
  void environmentVariablesComeFromTheDefinitions() {
    Map<String, List<String>> env = ConfigCatalog.envKeys();
    assertThat(env.get("AWS_ENDPOINT_URL")).containsExactly("s3.endpoint");
    assertThat(env.get("S3DLIO_MAX_HTTP_CONNECTIONS")).containsExactlyInAnyOrder("s3.max-connections",
        "gcs.max-connections");
    assertThat(env.get("S3DLIO_RT_THREADS")).as("a FileSystem key reaches the store settings without fs.s3dlio.")
        .containsExactly("threads");
  }

  @Test
  void markdownListsEveryKeyWithItsDefaultAndVariables() {
    String md = ConfigCatalog.markdown();
    for (ConfigKey k : ConfigCatalog.keys()) {
      assertThat(md).contains("| `" + k.name() + "` | ");
    }
    assertThat(md).contains("| `s3.connect-timeout` | duration | `10s` | `S3DLIO_S3_CONNECT_TIMEOUT` |")
        .contains("| `azure.read-resumes` | `azure.resume-attempts` |")
        .contains("## GCS (gs://)").contains("not against Google Cloud Storage");
  }
}
