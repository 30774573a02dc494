package io.s3dlio.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the bundle jar holds, checked against the Spark it is loaded beside: no class or resource
 * of the bundle shadows one of Spark's or Hadoop's (their jars listed and intersected with the
 * bundle's), nothing third-party is left unrelocated except JNA (whose native library names its
 * packages), the merged {@code META-INF/services} files name classes the bundle holds and Spark,
 * Hadoop and the CLI find what they register, and every resource path that a relocated class reads
 * is in the bundle.
 */
class BundleContentsIT {
  /** Packages the bundle may hold unrelocated: its own, and JNA (see docs/spark.md). */
  private static final List<String> OWN_ROOTS = List.of("io/s3dlio/", "com/sun/jna/");
  private static final String SHADED = "io/s3dlio/shaded/";
  private static final String SERVICES = "META-INF/services/";
  /**
   * Resources the AWS SDK looks for and does without (an application's own interceptors and
   * partition overrides): under their relocated names an application's files for its own SDK do
   * not reach the bundle's.
   */
  private static final Set<String> OPTIONAL_RESOURCES = Set.of(
      SHADED + "software/amazon/awssdk/global/handlers/execution.interceptors",
      SHADED + "software/amazon/awssdk/services/s3/execution.interceptors",
      SHADED + "software/amazon/awssdk/global/partitions.json");

  private static Map<String, byte[]> bundle;

  @BeforeAll
  static void readBundle() throws IOException {
    bundle = new TreeMap<>();
    try (JarFile jar = new JarFile(SparkRuntime.bundleJar().toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
        JarEntry entry = e.nextElement();
        if (!entry.isDirectory()) {
          try (InputStream in = jar.getInputStream(entry)) {
            bundle.put(entry.getName(), in.readAllBytes());
          }
        }
      }
    }
  }

  static List<SparkRuntime> runtimes() {
    return SparkRuntime.all();
  }

  @Test
  void holdsTheModulesAndNothingThirdPartyUnrelocated() {
    // The data sources, the FileSystem and the store backends are there (their public names).
    assertThat(bundle).containsKeys("io/s3dlio/fs/S3dlioFileSystem.class",
        "io/s3dlio/store/ObjectStore.class", "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
    // JNA complete, with its native library for this platform (it is loaded from the jar).
    assertThat(bundle).containsKeys("com/sun/jna/Native.class", "com/sun/jna/linux-x86-64/libjnidispatch.so");

    List<String> unrelocated = bundle.keySet().stream()
        .filter(n -> !n.startsWith("META-INF/"))
        .filter(n -> OWN_ROOTS.stream().noneMatch(n::startsWith))
        .toList();
    assertThat(unrelocated)
        .as("entries outside io/s3dlio/ and com/sun/jna/: relocate their packages in spark-bundle/pom.xml,"
            + " or exclude the artifact there if Spark provides it")
        .isEmpty();
    for (String clashProne : List.of("com/fasterxml/", "io/netty/", "reactor/", "software/amazon/",
        "com/google/protobuf/", "com/azure/", "picocli/", "org/apache/http/", "org/HdrHistogram/")) {
      assertThat(bundle.keySet()).as("unrelocated " + clashProne)
          .noneMatch(n -> n.startsWith(clashProne) || n.matches("META-INF/versions/\\d+/" + clashProne + ".*"));
    }
    for (String relocated : List.of("com/fasterxml/jackson/", "reactor/", "software/amazon/awssdk/", "com/azure/",
        "com/google/protobuf/", "picocli/")) {
      assertThat(bundle.keySet()).as("relocated " + relocated).anyMatch(n -> n.startsWith(SHADED + relocated));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void noClassOrResourceShadowsOneOfSparksOrHadoops(SparkRuntime spark) throws IOException {
    Map<String, Path> sparkEntries = new TreeMap<>();
    for (Path jar : spark.classpath()) {
      try (JarFile j = new JarFile(jar.toFile())) {
        for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements();) {
          JarEntry entry = e.nextElement();
          if (!entry.isDirectory()) {
            sparkEntries.putIfAbsent(versionless(entry.getName()), jar.getFileName());
          }
        }
      }
    }
    assertThat(sparkEntries).containsKey("org/apache/hadoop/fs/FileSystem.class")
        .containsKey("org/apache/spark/sql/SparkSession.class");
    // META-INF holds the manifest, licences and services files (the service loader reads all copies).
    Map<String, Path> shadowed = new LinkedHashMap<>();
    for (String name : bundle.keySet()) {
      String n = versionless(name);
      if (!n.startsWith("META-INF/") && sparkEntries.containsKey(n)) {
        shadowed.put(n, sparkEntries.get(n));
      }
    }
    assertThat(shadowed).as("bundle entries also in %s's jars (entry -> Spark jar)", spark).isEmpty();
  }

  /**
   * The merged META-INF/services files (and any AWS SDK interceptor list) name only classes the
   * bundle holds, under their relocated names.
   */
  @Test
  void classListsNameClassesOfTheBundle() {
    Map<String, List<String>> lists = classLists();
    assertThat(lists).containsKeys(SERVICES + "org.apache.hadoop.fs.FileSystem",
        SERVICES + "org.apache.spark.sql.sources.DataSourceRegister",
        SERVICES + "io.s3dlio.shaded.software.amazon.awssdk.http.SdkHttpService",
        SERVICES + "io.s3dlio.shaded.com.azure.core.http.HttpClientProvider");
    assertThat(lists.keySet()).noneMatch(s -> s.startsWith(SERVICES + "software.amazon.")
        || s.startsWith(SERVICES + "com.azure.") || s.startsWith(SERVICES + "com.fasterxml.")
        || s.startsWith(SERVICES + "reactor."));
    List<String> missing = new ArrayList<>();
    lists.forEach((file, classes) -> {
      assertThat(classes).as(file).isNotEmpty();
      classes.stream().filter(c -> !bundle.containsKey(c.replace('.', '/') + ".class"))
          .forEach(c -> missing.add(file + ": " + c));
    });
    assertThat(missing).as("classes named by class lists but not in the bundle").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void sparkHadoopAndTheCliFindTheBundlesRegistrations(SparkRuntime spark) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (Path p : spark.classpath()) {
      urls.add(p.toUri().toURL());
    }
    urls.add(SparkRuntime.bundleJar().toUri().toURL());
    // Spark's jars first, the bundle last (as --jars): nothing of this project's class path.
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      // Providers by type only (some of Hadoop's own cannot be made outside a cluster), then ours made.
      Set<String> formats = new TreeSet<>();
      for (Object source : ours(loader, "org.apache.spark.sql.sources.DataSourceRegister")) {
        formats.add((String) source.getClass().getMethod("shortName").invoke(source));
      }
      assertThat(formats).contains("tfrecord", "npz");

      Map<String, String> schemes = new TreeMap<>();
      for (Object fs : ours(loader, "org.apache.hadoop.fs.FileSystem")) {
        schemes.put((String) fs.getClass().getMethod("getScheme").invoke(fs), fs.getClass().getName());
      }
      assertThat(schemes).containsKeys("s3", "az", "gs", "direct");
      assertThat(loader.loadClass(schemes.get("s3")).getProtectionDomain().getCodeSource().getLocation())
          .isEqualTo(SparkRuntime.bundleJar().toUri().toURL());

      // The CLI (relocated picocli) with the commands the tfrecord module adds as an extension.
      Class<?> cli = loader.loadClass("io.s3dlio.cli.S3dlioCli");
      Class<?> config = loader.loadClass("io.s3dlio.store.StoreConfig");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      Object code = cli.getMethod("run", String[].class, config, PrintStream.class, PrintStream.class)
          .invoke(null, new String[] {"--help"}, config.getField("EMPTY").get(null), print, print);
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(0);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("cp", "tfrecord-index", "tfrecord-cat");
    }
  }

  /** The providers of {@code service} that the bundle registers, made by the service loader. */
  private static List<Object> ours(ClassLoader loader, String service) throws ClassNotFoundException {
    return ServiceLoader.load(loader.loadClass(service), loader).stream()
        .filter(p -> p.type().getName().startsWith("io.s3dlio."))
        .map(p -> (Object) p.get())
        .toList();
  }

  /**
   * A relocated class that reads a resource by name reads it under io/s3dlio/shaded/ (the shade
   * plugin rewrote the name): that resource must have moved there too (Azure's
   * {@code azure-*.properties}, the HTTP clients' public suffix lists, the AWS SDK's mime types).
   */
  @Test
  void resourcesReadByRelocatedClassesAreInTheBundle() throws IOException {
    Set<String> read = new TreeSet<>();
    for (Map.Entry<String, byte[]> e : bundle.entrySet()) {
      if (e.getKey().startsWith(SHADED) && e.getKey().endsWith(".class")) {
        for (String s : ClassFileStrings.of(e.getValue(), e.getKey())) {
          String path = s.startsWith("/") ? s.substring(1) : s;
          String last = path.substring(path.lastIndexOf('/') + 1);
          if (path.startsWith(SHADED) && last.contains(".") && !last.endsWith(".class")) {
            read.add(path);
          }
        }
      }
    }
    assertThat(read).contains(SHADED + "azure-core.properties", SHADED + "azure-storage-blob.properties");
    List<String> missing = read.stream().filter(r -> !OPTIONAL_RESOURCES.contains(r))
        .filter(r -> bundle.keySet().stream().noneMatch(n -> n.matches(asRegex(r))))
        .toList();
    assertThat(missing).as("resource names in relocated classes with no such entry in the bundle").isEmpty();
    // and nothing is left at the class path root, where an application's own copies would win
    assertThat(bundle.keySet()).noneMatch(n -> !n.contains("/"));
  }

  private static Map<String, List<String>> classLists() {
    Map<String, List<String>> out = new TreeMap<>();
    bundle.forEach((name, bytes) -> {
      if (name.startsWith(SERVICES) || name.endsWith(".interceptors")) {
        out.put(name, new String(bytes, StandardCharsets.UTF_8).lines()
            .map(l -> l.replaceAll("#.*", "").trim())
            .filter(l -> !l.isEmpty())
            .toList());
      }
    });
    return out;
  }

  /** A resource name, or a format string of names ({@code %s}), as a regular expression. */
  private static String asRegex(String name) {
    return Arrays.stream(name.split("%s", -1)).map(Pattern::quote).collect(Collectors.joining(".+"));
  }

  /** A multi-release entry ({@code META-INF/versions/N/x}) under its class name {@code x}. */
  private static String versionless(String name) {
    return name.replaceFirst("^META-INF/versions/\\d+/", "");
  }
}
