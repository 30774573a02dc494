package io.s3dlio.store.config;

import java.util.List;

/**
 * The keys one module defines. Implementations are listed in
 * {@code META-INF/services/io.s3dlio.store.config.ConfigKeySource}; {@link ConfigCatalog} gathers
 * them.
 */
public interface ConfigKeySource {
  /** Where this module's sections go in the documentation: lower first. */
  int order();

  List<ConfigSection> sections();
}
