package io.s3dlio.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.config.ConfigCatalog;
import io.s3dlio.store.config.ConfigSection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} is exactly what {@link ConfigCatalog} generates from the key
 * definitions of every module (this module sees them all), so code and docs cannot drift.
 */
class TestConfigurationDoc {

  @Test
  void theKeyTableIsGeneratedFromTheCode() throws Exception {
    assertThat(ConfigCatalog.sections()).extracting(ConfigSection::title).as("every module's keys are gathered")
        .contains("S3 (s3://)", "GCS (gs://)", "Azure (az://)", "Local files (file://, direct://)",
            "Hadoop FileSystem (fs.s3dlio.*)", "Checkpoints (checkpoint.*)", "Bridge feeds (spark.s3dlio.bridge.*)");
    Path doc = RepositoryFiles.root().resolve("docs/configuration.md");
    String expected = ConfigCatalog.markdown();
    String actual = Files.isRegularFile(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    assertThat(actual).as(doc + " is stale: run bin/configuration-doc (it writes what the code defines)")
        .isEqualTo(expected);
  }
}
