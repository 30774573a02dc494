package io.s3dlio.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared registries: keyed by a fingerprint with no secret in it, bounded, closed when evicted. */
class TestSharedStores {

  @Test
  void sameSettingsShareOneRegistryKeyedWithoutSecrets() {
    StoreConfig a = StoreConfig.of(Map.of("s3.secret-key", "TOPSECRETVALUE", "s3.region", "eu-west-1"));
    StoreConfig b = StoreConfig.of(Map.of("s3.region", "eu-west-1", "s3.secret-key", "TOPSECRETVALUE"));
    assertThat(SharedStores.registry(a)).isSameAs(SharedStores.registry(b));
    assertThat(SharedStores.fingerprint(a)).hasSize(64).doesNotContain("TOPSECRET")
        .isNotEqualTo(SharedStores.fingerprint(a.with("s3.secret-key", "other")));
  }

  @Test
  void theLeastRecentlyUsedRegistryIsClosedBeyondTheBound() throws IOException {
    List<StoreRegistry> made = new ArrayList<>();
    for (int i = 0; i < SharedStores.MAX_REGISTRIES + 1; i++) {
      made.add(SharedStores.registry(StoreConfig.of(Map.of("local.fsync", "false", "test.n", "lru-" + i))));
    }
    assertThat(SharedStores.size()).isEqualTo(SharedStores.MAX_REGISTRIES);
    ObjectUri local = ObjectUri.local(ObjectUri.Scheme.FILE, "/tmp/x");
    assertThatThrownBy(() -> made.get(0).storeFor(local)).hasMessageContaining("the registry is closed");
    assertThat(made.get(SharedStores.MAX_REGISTRIES).storeFor(local)).isNotNull();
  }
}
