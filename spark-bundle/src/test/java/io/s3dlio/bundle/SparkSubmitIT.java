package io.s3dlio.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.s3dlio.bundle.job.BundleJob;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.proto.Feature;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundle used as a Spark user uses it: {@code org.apache.spark.deploy.SparkSubmit} in a JVM of
 * its own whose class path is Spark's jars only, with {@code --jars <bundle> --master local[2]
 * --class BundleJob job.jar}, configured with {@code --conf spark.hadoop.fs.*} only (no environment
 * variables), once per Spark line. The job indexes golden TFRecord files on S3Proxy
 * (s3://) with the Spark index job, reads them split by those indexes, and reads golden NPZ files
 * on Azurite (az://): through the relocated AWS and Azure SDKs. Expected values come from
 * elsewhere: the golden DALI indexes (byte for byte), the CSV the toy records were made from,
 * protobuf-java's parse of the golden records, and numpy.
 */
class SparkSubmitIT {
  private static final String BUCKET = "bundle";
  private static final String CONTAINER = "bundle";
  private static final long TIMEOUT_MINUTES = 8;

  private static Path golden;
  private static Path work;
  private static Path jobJar;
  private static StoreRegistry stores;
  private static StoreConfig s3Config;
  private static StoreConfig azureConfig;

  @BeforeAll
  static void start() throws IOException, URISyntaxException {
    golden = Path.of(SparkRuntime.required("s3dlio.golden.dir"));
    work = Path.of(SparkRuntime.required("s3dlio.test.servers.dir")).resolveSibling("bundle-it");
    Files.createDirectories(work);
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket(BUCKET);
    AzuriteServer azurite = AzuriteServer.get();
    azurite.createContainer(CONTAINER);
    s3Config = s3.storeConfig();
    azureConfig = azurite.storeConfig();
    stores = new StoreRegistry(s3Config.with(azureConfig.withPrefix("azure.")));
    jobJar = jobJar();
  }

  @AfterAll
  static void stop() throws IOException {
    if (stores != null) {
      stores.close();
    }
  }

  static List<SparkRuntime> runtimes() {
    return SparkRuntime.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void jobRunsFromTheBundleAlone(SparkRuntime spark) throws Exception {
    String run = "spark-" + spark.version();
    String s3Base = "s3://" + BUCKET + "/" + run;
    String azBase = "az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/" + run;
    upload("tfrecord/tfx_mnist/mnist.tfrecord", s3Base + "/tfrecord/mnist/mnist.tfrecord");
    for (String shard : List.of("00000", "00001")) {
      String name = "toy.nocompress-tfe-tfrecord-" + shard + "-of-00002";
      upload("tfrecord/ydf_toy/" + name, s3Base + "/tfrecord/toy/" + name);
    }
    upload("npz/generated/savez_named.npz", azBase + "/npz/named/savez_named.npz");
    upload("npz/generated/savez_compressed.npz", azBase + "/npz/compressed/savez_compressed.npz");

    Properties r = submit(spark, s3Base, azBase, work.resolve(run + ".properties"));

    assertThat(r.getProperty("spark.version")).isEqualTo(spark.version());
    assertThat(Path.of(URI.create(r.getProperty("bundle.location")))).isEqualTo(SparkRuntime.bundleJar());
    assertThat(r.getProperty("fs.s3")).isEqualTo("io.s3dlio.fs.S3dlioFileSystem$S3");

    // The index job: records per file, and indexes byte-identical to DALI's tool.
    assertThat(r).contains(Map.entry("indexed.mnist.tfrecord", "1000"),
        Map.entry("indexed.toy.nocompress-tfe-tfrecord-00000-of-00002", "3"),
        Map.entry("indexed.toy.nocompress-tfe-tfrecord-00001-of-00002", "1"));
    assertThat(indexWritten(s3Base, "mnist.tfrecord")).isEqualTo(goldenBytes("dali/generated/tfx_mnist__mnist.tfrecord.idx"));
    for (String shard : List.of("00000", "00001")) {
      String name = "toy.nocompress-tfe-tfrecord-" + shard + "-of-00002";
      assertThat(indexWritten(s3Base, name)).isEqualTo(goldenBytes("dali/generated/ydf_toy__" + name + ".idx"));
    }

    // TFRecord from s3://, split across the cores (1 MiB splits of a 3 MB file).
    double[] mnist = mnistReference();
    assertThat(Integer.parseInt(r.getProperty("mnist.partitions"))).isGreaterThanOrEqualTo(3);
    assertThat(r.getProperty("mnist.count")).isEqualTo("1000");
    assertThat(Long.parseLong(r.getProperty("mnist.sum_image_class"))).isEqualTo((long) mnist[0]);
    assertThat(Long.parseLong(r.getProperty("mnist.floats"))).isEqualTo((long) mnist[1]);
    assertThat(Double.parseDouble(r.getProperty("mnist.sum_image_floats"))).isCloseTo(mnist[2], within(1e-6));
    double[] toy = toyCsvSums();
    assertThat(r.getProperty("toy.count")).isEqualTo(Long.toString((long) toy[0]));
    assertThat(Double.parseDouble(r.getProperty("toy.sum_Num_1"))).isEqualTo(toy[1]);
    assertThat(Double.parseDouble(r.getProperty("toy.sum_Cat_3"))).isEqualTo(toy[2]);

    // NPZ from az://, stored and deflated members, against numpy.
    Map<String, String> np = numpySums();
    assertThat(r.getProperty("npz.named.count")).isEqualTo("1");
    for (String a : List.of("b_int64", "k_uint8", "g_fortran", "h_bigendian")) {
      assertThat(r.getProperty("npz.named.sum_" + a)).as(a).isEqualTo(np.get(a));
    }
    assertThat(r.getProperty("npz.compressed.count")).isEqualTo("1");
    assertThat(r.getProperty("npz.compressed.b_large")).isEqualTo(np.get("b_large.size"));
    assertThat(Double.parseDouble(r.getProperty("npz.compressed.sum_b_large")))
        .isCloseTo(Double.parseDouble(np.get("b_large")), within(1e-6));
  }

  // ---------------------------------------------------------------- spark-submit

  private static Properties submit(SparkRuntime spark, String s3Base, String azBase, Path result)
      throws IOException, InterruptedException, URISyntaxException {
    Files.deleteIfExists(result);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(Arrays.asList(SparkRuntime.required("s3dlio.spark.java.opens").trim().split("\\s+")));
    // Test hygiene only: never the EC2 metadata address; Spark's logging at WARN.
    cmd.add("-Daws.disableEc2Metadata=true");
    cmd.add("-Dlog4j2.configurationFile=" + resource("bundle-it-log4j2.properties"));
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, spark.classpath().stream().map(Path::toString).toList()));
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", "local[2]", "--jars", SparkRuntime.bundleJar().toString(),
        "--class", BundleJob.class.getName(),
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.files.maxPartitionBytes=1048576",
        "--conf", "spark.sql.shuffle.partitions=2"));
    // spark-submit sets up Hadoop's FileSystem registry before it adds --jars to the class path, so
    // the bundle's META-INF/services registrations are not seen: the schemes are named (docs/spark.md).
    cmd.addAll(List.of("--conf", "spark.hadoop.fs.s3.impl=io.s3dlio.fs.S3dlioFileSystem$S3",
        "--conf", "spark.hadoop.fs.az.impl=io.s3dlio.fs.S3dlioFileSystem$Az"));
    Map<String, String> store = new TreeMap<>(s3Config.withPrefix("s3."));
    store.putAll(azureConfig.withPrefix("azure."));
    // One configuration path: the FileSystem's keys, for the tfrecord and npz sources alike.
    store.forEach((k, v) -> cmd.addAll(List.of("--conf", "spark.hadoop.fs.s3dlio." + k + "=" + v)));
    cmd.addAll(List.of(jobJar.toString(), s3Base, azBase, result.toString()));

    Path log = result.resolveSibling(result.getFileName() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    // Settings come from --conf only: none from the environment.
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("AZURE_"));
    pb.environment().remove("SPARK_HOME");
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("spark-submit on " + spark + " ran over " + TIMEOUT_MINUTES + " minutes; log "
          + log + ":\n" + tail(log));
    }
    assertThat(p.exitValue()).as("spark-submit on %s exited with %d; log %s:%n%s", spark, p.exitValue(), log,
        tail(log)).isZero();
    Properties r = new Properties();
    try (Reader in = Files.newBufferedReader(result)) {
      r.load(in);
    }
    return r;
  }

  /** The job's classes (and nothing else) as the application jar. */
  private static Path jobJar() throws IOException, URISyntaxException {
    Path classes = Path.of(BundleJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = BundleJob.class.getPackageName().replace('.', '/');
    Path jar = work.resolve("bundle-job.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path f : files.sorted().toList()) {
        out.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static String resource(String name) throws URISyntaxException {
    return Path.of(SparkSubmitIT.class.getClassLoader().getResource(name).toURI()).toString();
  }

  // ---------------------------------------------------------------- data and references

  private static void upload(String goldenFile, String uri) throws IOException {
    ObjectUri u = ObjectUri.parse(uri);
    stores.storeFor(u).put(u, goldenBytes(goldenFile));
  }

  private static byte[] goldenBytes(String path) throws IOException {
    return Files.readAllBytes(golden.resolve(path));
  }

  /**
   * The index the job wrote for {@code file}: the one object under the run named {@code <file>.idx},
   * which must be in the {@code _index} folder beside the file (where Spark's listing skips it).
   */
  private static byte[] indexWritten(String base, String file) throws IOException {
    ObjectUri prefix = ObjectUri.parse(base + "/tfrecord/");
    ObjectStore store = stores.storeFor(prefix);
    List<ObjectUri> found = new ArrayList<>();
    for (Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive()); it.hasNext();) {
      ObjectUri u = it.next().uri();
      if (u.name().equals(file + ".idx")) {
        found.add(u);
      }
    }
    assertThat(found).as("index objects of %s under %s", file, prefix).hasSize(1);
    assertThat(found.get(0).key()).as("index of %s", file).endsWith("/_index/" + file + ".idx");
    return store.get(found.get(0));
  }

  /** mnist: sum of image_class, number of image_floats values, their sum; by protobuf-java. */
  private static double[] mnistReference() throws IOException {
    double[] out = new double[3];
    try (InputStream raw = Files.newInputStream(golden.resolve("tfrecord/tfx_mnist/mnist.tfrecord"));
        TfRecordReader reader = TfRecordReader.open(raw, "mnist.tfrecord", ReaderOptions.DEFAULT)) {
      for (byte[] payload = reader.next(); payload != null; payload = reader.next()) {
        Map<String, Feature> f = ExampleCodec.decodeExample(payload, "mnist", reader.lastOffset())
            .getFeatures().getFeatureMap();
        out[0] += f.get("image_class").getInt64List().getValue(0);
        for (float v : f.get("image_floats").getFloatList().getValueList()) {
          out[1]++;
          out[2] += v;
        }
      }
    }
    return out;
  }

  /** The toy records' source CSV: rows, sum of Num_1, sum of Cat_3. */
  private static double[] toyCsvSums() throws IOException {
    List<String> lines = Files.readAllLines(golden.resolve("tfrecord/ydf_toy/toy.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    double[] out = new double[3];
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      out[0]++;
      out[1] += Double.parseDouble(f[header.indexOf("Num_1")]);
      out[2] += Double.parseDouble(f[header.indexOf("Cat_3")]);
    }
    return out;
  }

  /** numpy's values of the golden NPZ arrays, summed exactly (Python integers; floats in float64). */
  private static Map<String, String> numpySums() throws IOException, InterruptedException {
    String script = String.join("\n",
        "import sys, numpy as np",
        "n = np.load(sys.argv[1]); c = np.load(sys.argv[2])",
        "for a in ['b_int64', 'k_uint8', 'g_fortran', 'h_bigendian']:",
        "    print(a, sum(int(x) for x in n[a].ravel()))",
        "print('b_large.size', c['b_large'].size)",
        "print('b_large', repr(float(c['b_large'].astype(np.float64).sum())))");
    Process p = new ProcessBuilder("/usr/bin/python3", "-c", script,
        golden.resolve("npz/generated/savez_named.npz").toString(),
        golden.resolve("npz/generated/savez_compressed.npz").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("numpy: %s", out).isZero();
    Map<String, String> sums = new TreeMap<>();
    out.lines().map(l -> l.split(" ")).forEach(kv -> sums.put(kv[0], kv[1]));
    return sums;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
