package io.s3dlio.store.config;

import java.util.List;

/**
 * A group of keys as documented together.
 *
 * @param title heading in {@code docs/configuration.md}
 * @param intro where the keys are set and what applies to all of them (markdown)
 * @param keys the keys, in the order they are documented
 */
public record ConfigSection(String title, String intro, List<ConfigKey> keys) {
  public ConfigSection {
    keys = List.copyOf(keys);
  }
}
