package io.s3dlio.bundle;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A Spark the bundle is tested on: its version and its class path, which is spark-sql's runtime
 * dependency set as Maven resolves it (written by the {@code spark-runtime} and
 * {@code spark-runtime-compat} modules) and holds nothing of this project.
 */
record SparkRuntime(String version, List<Path> classpath) {

  /** The build's Spark, then the older line. */
  static List<SparkRuntime> all() {
    return List.of(of("s3dlio.spark"), of("s3dlio.spark.compat"));
  }

  private static SparkRuntime of(String property) {
    String version = required(property + ".version");
    Path file = Path.of(required(property + ".classpath"));
    List<Path> cp;
    try {
      cp = Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).trim().split(File.pathSeparator))
          .map(Path::of).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the class path of Spark " + version + " from " + file
          + " (written by its spark-runtime module in generate-resources)", e);
    }
    String sparkSql = "spark-sql_2.13-" + version + ".jar";
    if (cp.stream().noneMatch(p -> p.getFileName().toString().equals(sparkSql))) {
      throw new IllegalStateException("The class path in " + file + " has no " + sparkSql + ": " + cp);
    }
    return new SparkRuntime(version, cp);
  }

  static Path bundleJar() {
    Path jar = Path.of(required("s3dlio.bundle.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("No bundle jar at " + jar + ": these tests run after package");
    }
    return jar;
  }

  static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("System property " + property + " is not set (see spark-bundle/pom.xml)");
    }
    return v;
  }

  @Override
  public String toString() {
    return "Spark " + version;
  }
}
