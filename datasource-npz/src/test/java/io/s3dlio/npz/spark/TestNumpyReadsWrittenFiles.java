package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the writers produce, read by numpy (an independent reader: {@code /usr/bin/python3} with
 * Debian's numpy, see src/test/resources/numpy_dump.py): dtype, shape and every value of every
 * array of every file, for both layouts, .npz (stored and deflated) and .npy, on file:// and s3://.
 */
class TestNumpyReadsWrittenFiles extends SparkTestBase {
  private static final int N = 40;

  @TempDir
  Path dir;

  /** One column per dtype the writer supports; {@code i64} is a unique id. */
  private static Dataset<Row> allTypes() {
    return spark.range(N).selectExpr("id as i64", "id % 2 = 0 as b", "cast(id - 20 as byte) as i8",
        "cast(id * -300 as short) as i16", "cast(id * 100000 as int) as i32",
        "cast(cast(9223372036854775808 as decimal(20,0)) + id as decimal(20,0)) as u64",
        "cast(id * 0.5 as float) as f32", "id / 3.0d as f64",
        "named_struct('real', cast(id as float), 'imag', cast(-id as float)) as c64",
        "named_struct('real', id * 0.25d, 'imag', 1.5d) as c128", "concat('\u00e9\u65e5', id) as s",
        "cast(repeat(cast(id as string), 1 + cast(id % 3 as int)) as binary) as bin",
        "transform(sequence(0, 5), j -> cast(id * 10 + j as int)) as v").repartition(3);
  }

  private static final Map<String, String> DTYPES = Map.ofEntries(Map.entry("i64", "<i8"), Map.entry("b", "|b1"),
      Map.entry("i8", "|i1"), Map.entry("i16", "<i2"), Map.entry("i32", "<i4"), Map.entry("u64", "<u8"),
      Map.entry("f32", "<f4"), Map.entry("f64", "<f8"), Map.entry("c64", "<c8"), Map.entry("c128", "<c16"),
      Map.entry("v", "<i4"));

  /** Runs numpy over {@code root}. */
  static JsonNode numpy(Path root) throws Exception {
    return NumpyScripts.run("numpy_dump.py", root.toString());
  }

  /** A Spark value as numpy's JSON shows it. */
  private static Object expected(String column, Row r) {
    Object v = r.getAs(column);
    return switch (column) {
      case "c64", "c128" -> {
        Row c = (Row) v;
        yield List.of(((Number) c.get(0)).doubleValue(), ((Number) c.get(1)).doubleValue());
      }
      case "bin" -> HexFormat.of().formatHex((byte[]) v);
      case "u64" -> ((BigDecimal) v).toBigIntegerExact();
      case "f32" -> ((Float) v).doubleValue();
      case "i8", "i16", "i32" -> ((Number) v).longValue();
      default -> v;
    };
  }

  private static Object actual(JsonNode n) {
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(actual(x)));
      return l;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBigInteger()) {
      return n.bigIntegerValue();
    }
    if (n.isIntegralNumber()) {
      return n.longValue();
    }
    return n.doubleValue();
  }

  private static Map<Long, Row> byId(Dataset<Row> df) {
    Map<Long, Row> m = new HashMap<>();
    df.collectAsList().forEach(r -> m.put(r.getLong(r.fieldIndex("i64")), r));
    assertThat(m).hasSize(N);
    return m;
  }

  private static List<String> scalarColumns(Dataset<Row> df) {
    return List.of(df.columns()).stream().filter(c -> !c.equals("v") && !c.equals("v_shape")).toList();
  }

  /** Sample layout: per file, every column is one array stacked along axis 0. */
  private static void checkSamples(JsonNode files, Dataset<Row> df, String stringWidthColumn) {
    Map<Long, Row> expected = byId(df);
    int seen = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode arrays = f.getValue();
      JsonNode ids = arrays.get("i64");
      int rows = ids.get("shape").get(0).asInt();
      for (String c : scalarColumns(df)) {
        JsonNode a = arrays.get(c);
        assertThat(a).as("%s in %s", c, f.getKey()).isNotNull();
        assertThat(a.get("shape").toString()).as(c).isEqualTo("[" + rows + "]");
        if (DTYPES.containsKey(c)) {
          assertThat(a.get("dtype").asText()).as(c).isEqualTo(DTYPES.get(c));
        }
      }
      assertThat(arrays.get(stringWidthColumn).get("dtype").asText()).startsWith("<U");
      assertThat(arrays.get("bin").get("dtype").asText()).startsWith("|S");
      assertThat(arrays.get("v").get("shape").toString()).isEqualTo("[" + rows + ",6]");
      for (int i = 0; i < rows; i++) {
        Row r = expected.get(ids.get("values").get(i).asLong());
        for (String c : scalarColumns(df)) {
          assertThat(actual(arrays.get(c).get("values").get(i))).as("%s[%d] of %s", c, i, f.getKey())
              .isEqualTo(expected(c, r));
        }
        List<Object> v = new ArrayList<>();
        for (int j = 0; j < 6; j++) {
          v.add(arrays.get("v").get("values").get(i * 6 + j).asLong());
        }
        assertThat(v).isEqualTo(r.getList(r.fieldIndex("v")).stream().map(x -> ((Integer) x).longValue()).toList());
        seen++;
      }
    }
    assertThat(seen).isEqualTo(N);
  }

  @Test
  void sampleLayoutStoredAndDeflated() throws Exception {
    Dataset<Row> df = allTypes();
    for (String compression : List.of("none", "deflate")) {
      Path out = dir.resolve("samples-" + compression);
      df.write().format("npz").option("layout", "sample").option("compression", compression).save(out.toString());
      checkSamples(numpy(out), df, "s");
    }
  }

  @Test
  void fileLayoutOneFilePerRowReshaped() throws Exception {
    Dataset<Row> df = allTypes().selectExpr("*", "array(2L, 3L) as v_shape");
    Path out = dir.resolve("files");
    df.write().format("npz").save(out.toString());
    JsonNode files = numpy(out);
    assertThat(files.size()).isEqualTo(N);
    Map<Long, Row> expected = byId(df);
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode arrays = f.getValue();
      assertThat(arrays.has("v_shape")).as("shape columns are not arrays of their own").isFalse();
      Row r = expected.remove(arrays.get("i64").get("values").get(0).asLong());
      assertThat(r).as("row of %s written once", f.getKey()).isNotNull();
      for (String c : scalarColumns(df)) {
        JsonNode a = arrays.get(c);
        assertThat(a.get("shape").toString()).as("%s: a 0-d array", c).isEqualTo("[]");
        if (DTYPES.containsKey(c)) {
          assertThat(a.get("dtype").asText()).as(c).isEqualTo(DTYPES.get(c));
        }
        assertThat(actual(a.get("values").get(0))).as("%s of %s", c, f.getKey()).isEqualTo(expected(c, r));
      }
      assertThat(arrays.get("v").get("shape").toString()).isEqualTo("[2,3]");
      assertThat(actual(arrays.get("v").get("values"))).isEqualTo(
          r.getList(r.fieldIndex("v")).stream().map(x -> ((Integer) x).longValue()).toList());
    }
    assertThat(expected).isEmpty();
  }

  @Test
  void npyBothLayouts() throws Exception {
    Dataset<Row> df = spark.range(N).selectExpr("transform(sequence(0, 3), j -> id * 4 + j) as array",
        "array(2L, 2L) as array_shape").repartition(2);
    Path files = dir.resolve("npy-files");
    df.write().format("npy").save(files.toString());
    JsonNode f = numpy(files);
    assertThat(f.size()).isEqualTo(N);
    List<Long> all = new ArrayList<>();
    f.forEach(a -> {
      assertThat(a.get("array").get("dtype").asText()).isEqualTo("<i8");
      assertThat(a.get("array").get("shape").toString()).isEqualTo("[2,2]");
      a.get("array").get("values").forEach(x -> all.add(x.asLong()));
    });
    assertThat(all).hasSize(4 * N).doesNotHaveDuplicates().allMatch(x -> x >= 0 && x < 4 * N);

    Path samples = dir.resolve("npy-samples");
    df.drop("array_shape").write().format("npy").option("layout", "sample").save(samples.toString());
    JsonNode s = numpy(samples);
    assertThat(s.size()).isEqualTo(2);
    List<Long> stacked = new ArrayList<>();
    s.forEach(a -> {
      assertThat(a.get("array").get("shape").get(1).asInt()).isEqualTo(4);
      a.get("array").get("values").forEach(x -> stacked.add(x.asLong()));
    });
    assertThat(stacked).hasSize(4 * N).doesNotHaveDuplicates();
  }

  @Test
  void sampleLayoutWrittenToS3() throws Exception {
    Dataset<Row> df = allTypes();
    String out = "s3://" + HADOOP_BUCKET + "/numpy-" + UUID.randomUUID();
    df.write().format("npz").option("layout", "sample").save(out);
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out);
    FileSystem fs = p.getFileSystem(spark.sessionState().newHadoopConf());
    Path local = dir.resolve("from-s3");
    Files.createDirectories(local);
    for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(p)) {
      try (InputStream in = fs.open(st.getPath())) {
        Files.copy(in, local.resolve(st.getPath().getName()));
      }
    }
    checkSamples(numpy(local), df, "s");
  }
}
