package io.s3dlio.docs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout these tests run in: the folder above the module (Maven runs tests in the module's folder). */
final class RepositoryFiles {
  private RepositoryFiles() {
  }

  static Path root() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("docs"))
          && Files.isRegularFile(d.resolve("pom.xml"))) {
        return d;
      }
    }
    throw new IllegalStateException("No checkout (README.md, docs/, pom.xml) at or above " + Path.of("").toAbsolutePath());
  }
}
