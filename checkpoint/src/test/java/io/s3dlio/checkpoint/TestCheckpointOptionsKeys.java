package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.config.ConfigCatalog;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checkpoint.* keys: defaults, the duration convention, and the earlier name of prune-grace. */
class TestCheckpointOptionsKeys {

  @Test
  void defaultsComeFromTheKeyDefinitions() {
    CheckpointOptions d = CheckpointOptions.from(StoreConfig.EMPTY);
    assertThat(d.pruneGrace()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.chunkSize()).isEqualTo(4 << 20);
    assertThat(d.readRangeSize()).isEqualTo(8 << 20);
    assertThat(d.zstdLevel()).isEqualTo(3);
    assertThat(d.ioThreads()).isEqualTo(16);
    assertThat(ConfigCatalog.keys()).extracting(k -> k.name()).contains("checkpoint.prune-grace", "checkpoint.chunk-size");
  }

  @Test
  void pruneGraceIsADurationAndItsEarlierNameKeepsSeconds() {
    assertThat(CheckpointOptions.from(StoreConfig.of(Map.of("checkpoint.prune-grace", "90s"))).pruneGrace())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(CheckpointOptions.from(StoreConfig.of(Map.of("checkpoint.prune-grace-seconds", "30"))).pruneGrace())
        .as("a plain number under the earlier name is seconds, as it was").isEqualTo(Duration.ofSeconds(30));
    assertThat(CheckpointOptions.from(StoreConfig.of(Map.of("checkpoint.prune-grace-seconds", "30",
        "checkpoint.prune-grace", "1m"))).pruneGrace()).as("the new name wins").isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> CheckpointOptions.from(StoreConfig.of(Map.of("checkpoint.prune-grace", "soon"))))
        .hasMessage("Cannot read setting checkpoint.prune-grace: 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
  }
}
