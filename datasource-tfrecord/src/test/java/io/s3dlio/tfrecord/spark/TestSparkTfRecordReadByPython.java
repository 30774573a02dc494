package io.s3dlio.tfrecord.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tfrecord source writes, read by a reader that is not ours: Debian's
 * {@code python3-protobuf} with classes that {@code protoc} generates from TensorFlow's
 * example.proto / feature.proto, a framing reader in the standard library checking every CRC with
 * the {@code crc32c} package, gzip parts through Python's gzip ({@code read_tfrecord.py} in the
 * test resources). Every value is compared with the DataFrame written, and every part's index in
 * {@code _index/} with the records' offsets and sizes.
 */
class TestSparkTfRecordReadByPython {
  private static final String PYTHON = "/usr/bin/python3";

  private static SparkSession spark;

  @TempDir
  static Path tmp;

  private static Path generated;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("TestSparkTfRecordReadByPython")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    generated = Files.createDirectories(tmp.resolve("generated"));
    Path protos = Path.of("src/main/proto").toAbsolutePath();
    run(List.of("protoc", "-I" + protos, "--python_out=" + generated, "example.proto", "feature.proto"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<String> run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s said:%n%s", command, out).isZero();
    return out.lines().collect(Collectors.toList());
  }

  /** The Python reader's lines for a table: records (as maps) and checked indexes. */
  private static List<String> python(Path table, String recordType) throws Exception {
    Path script = Path.of("src/test/resources/python/read_tfrecord.py").toAbsolutePath();
    return run(List.of(PYTHON, script.toString(), generated.toString(), table.toString(), recordType));
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** What Python prints for one row of the Example table below. */
  private static String expected(Row r) {
    TreeMap<String, String> f = new TreeMap<>();
    f.put("id", "{\"int64\": [" + r.getLong(0) + "]}");
    f.put("label", "{\"int64\": [" + r.getInt(1) + "]}");
    List<Float> floats = r.getList(2);
    f.put("floats", "{\"float\": [" + floats.stream().map(x -> x == Math.rint(x) ? x.intValue() + ".0"
        : String.valueOf(x)).collect(Collectors.joining(", ")) + "]}");
    if (!r.isNullAt(3)) {
      f.put("name", "{\"bytes\": [\"" + b64(r.getString(3).getBytes(StandardCharsets.UTF_8)) + "\"]}");
    }
    f.put("data", "{\"bytes\": [\"" + b64((byte[]) r.get(4)) + "\"]}");
    List<String> tokens = r.getList(5);
    f.put("tokens", "{\"bytes\": [" + tokens.stream().map(t -> "\"" + b64(t.getBytes(StandardCharsets.UTF_8)) + "\"")
        .collect(Collectors.joining(", ")) + "]}");
    return f.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static List<String> features(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("{\"features\": ")) {
        out.add(l.substring("{\"features\": ".length(), l.indexOf(", \"file\": ")));
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void examplesPlainAndGzipReadByProtocGeneratedPython() throws Exception {
    Dataset<Row> df = spark.range(0, 300, 1, 3).selectExpr("id", "int(id % 7) as label",
        "array(cast(id as float), cast(id / 4.0 as float), cast(-1.5 as float)) as floats",
        "case when id % 5 = 0 then null else concat('name-', id, '-é') end as name",
        "cast(concat('bytes', id) as binary) as data", "array('a', concat('t', id)) as tokens");
    List<String> want = df.collectAsList().stream().map(TestSparkTfRecordReadByPython::expected).sorted()
        .collect(Collectors.toList());
    for (String compression : List.of("none", "gzip")) {
      Path out = tmp.resolve("examples-" + compression);
      df.write().format("tfrecord").option("compression", compression).option("maxRecordsPerFile", "40")
          .save(out.toUri().toString());
      List<String> lines = python(out, "Example");
      assertThat(features(lines)).as(compression).hasSize(300).isEqualTo(want);
      long indexes = lines.stream().filter(l -> l.startsWith("{\"index\": ")).count();
      assertThat(indexes).as("indexes checked against the framing").isGreaterThanOrEqualTo(8);
      assertThat(lines.stream().filter(l -> l.startsWith("{\"index\": "))
          .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1, l.length() - 1))).sum()).isEqualTo(300);
    }
  }

  @Test
  void sequenceExamplesReadByProtocGeneratedPython() throws Exception {
    Dataset<Row> df = spark.sql("select id, array(array(id, id + 1), array(id * 2)) frames from range(20)");
    Path out = tmp.resolve("sequence");
    df.write().format("tfrecord").option("recordType", "SequenceExample").save(out.toUri().toString());
    List<String> want = new ArrayList<>();
    for (long id = 0; id < 20; id++) {
      want.add("{\"frames\": {\"list\": [{\"int64\": [" + id + ", " + (id + 1) + "]}, {\"int64\": [" + (id * 2)
          + "]}]}, \"id\": {\"int64\": [" + id + "]}}");
    }
    want.sort(null);
    assertThat(features(python(out, "SequenceExample"))).isEqualTo(want);
  }
}
