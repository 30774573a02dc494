package io.s3dlio.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.config.ConfigCatalog;
import io.s3dlio.store.config.ConfigKey;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every option name of {@link BridgeOptions} is a key of the registry (so docs/configuration.md lists it). */
class TestBridgeKeys {

  @Test
  void everyOptionIsDefinedInTheRegistry() throws Exception {
    List<String> keys = ConfigCatalog.keys().stream().map(ConfigKey::name).toList();
    int options = 0;
    for (Field f : BridgeOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().startsWith("DEFAULT_")
          && !f.getName().endsWith("_PREFIX")) {
        assertThat(keys).as(f.getName()).contains(BridgeOptions.SESSION_CONF_PREFIX + f.get(null));
        options++;
      }
    }
    assertThat(options).isGreaterThanOrEqualTo(14);
    assertThat(keys).contains(BridgeOptions.SESSION_CONF_PREFIX + BridgeOptions.TENSOR_PREFIX + "<column>");
  }
}
