package io.s3dlio.npz.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of golden/npz against expected.json: dtype, shape, order, header version and data
 * offset, the hash of the values (recomputed here from the decoded elements, in C order,
 * little-endian), the small arrays' values, and the reject cases with their messages.
 */
public class TestGoldenFiles {
  public static final Path GOLDEN = goldenDir();

  /** {@code golden/npz} under {@code s3dlio.golden.dir} (set by the parent pom). */
  static Path goldenDir() {
    String p = System.getProperty("s3dlio.golden.dir");
    if (p != null && Files.isDirectory(Path.of(p, "npz"))) {
      return Path.of(p, "npz");
    }
    throw new IllegalStateException("Cannot find golden/npz under s3dlio.golden.dir=" + p);
  }
  private static final Charset UTF32LE = Charset.forName("UTF-32LE");

  static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(GOLDEN.resolve("expected.json").toFile()).get("files");
  }

  @TestFactory
  Stream<DynamicTest> everyGoldenFile() throws IOException {
    JsonNode files = expected();
    List<DynamicTest> tests = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      tests.add(DynamicTest.dynamicTest(f.getKey(), () -> check(f.getKey(), f.getValue())));
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(57);
    return tests.stream();
  }

  private void check(String rel, JsonNode spec) throws Exception {
    byte[] file = Files.readAllBytes(GOLDEN.resolve(rel));
    assertThat(file).hasSize(spec.get("size").asInt());
    String container = spec.get("container").asText();
    if (container.equals("npy")) {
      JsonNode a = spec.get("array");
      if (isReject(a)) {
        assertRejected(a, rel, () -> NpyReader.read(file, rel));
        assertRejected(a, rel, () -> NpyReader.read(new ByteArrayInputStream(file), rel));
        assertRejected(a, rel, () -> new NpyFile(RangeSource.of(rel, file)).read(NpyFile.ARRAY));
        return;
      }
      NpyArray fromBytes = NpyReader.read(file, rel);
      NpyArray fromStream = NpyReader.read(new ByteArrayInputStream(file), rel);
      NpyFile ranged = new NpyFile(RangeSource.of(rel, file));
      NpyHeader h = ranged.header(NpyFile.ARRAY);
      checkHeader(h, a);
      checkStored(file, a);
      checkArray(fromBytes, a);
      checkArray(fromStream, a);
      checkArray(ranged.read(NpyFile.ARRAY), a);
      checkRewrite(rel, file, h, fromBytes);
    } else {
      NpzReader npz = NpzReader.open(RangeSource.of(rel, file));
      List<String> order = new ArrayList<>();
      spec.get("member_order").forEach(n -> order.add(n.asText().substring(0, n.asText().length() - 4)));
      assertThat(npz.arrayNames()).containsExactlyElementsOf(order);
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("members").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> m = it.next();
        JsonNode a = m.getValue();
        ZipDirectory.Entry e = npz.entry(m.getKey());
        assertThat(e.name()).isEqualTo(a.get("zip_entry").asText());
        assertThat(e.isStored()).isEqualTo(a.get("compress_type").asText().equals("STORED"));
        assertThat(e.size()).isEqualTo(a.get("file_size").asLong());
        assertThat(e.compressedSize()).isEqualTo(a.get("compress_size").asLong());
        if (isReject(a)) {
          assertRejected(a, rel + "!" + e.name(), () -> npz.read(m.getKey()));
          continue;
        }
        // a fresh reader per member too: header first, then the data (cached local header)
        NpzReader fresh = NpzReader.open(RangeSource.of(rel, file));
        checkHeader(fresh.header(m.getKey()), a);
        checkArray(fresh.read(m.getKey()), a);
        checkArray(npz.read(m.getKey()), a);
        if (fresh.canReadRows(m.getKey())) {
          long rows = a.get("shape").get(0).asLong();
          checkArray(fresh.readRows(m.getKey(), 0, rows), a);
        }
      }
    }
  }

  private static boolean isReject(JsonNode a) {
    return a.has("pickled_object_array") || "V".equals(a.path("kind").asText());
  }

  private static void assertRejected(JsonNode a, String where, ThrowingRunnable r) {
    String expect = a.has("pickled_object_array") ? "object arrays hold pickled Python objects, which are not supported"
        : "is not supported (only plain numeric, bool, S and U dtypes)";
    assertThatThrownBy(r::run).isInstanceOf(NpzFormatException.class)
        .hasMessageStartingWith("Cannot read " + where + " at offset ")
        .hasMessageContaining(expect);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void checkHeader(NpyHeader h, JsonNode a) {
    assertThat(h.dtype().descr()).isEqualTo(a.get("descr").asText());
    assertThat(h.fortranOrder()).isEqualTo(a.get("fortran_order").asBoolean());
    assertThat(h.shape()).containsExactly(longs(a.get("shape")));
    assertThat(h.majorVersion()).isEqualTo(a.get("format_version").get(0).asInt());
    assertThat(h.dataOffset()).isEqualTo(a.get("data_offset").asLong());
    assertThat(h.count()).isEqualTo(a.get("count").asLong());
  }

  private static void checkStored(byte[] file, JsonNode a) throws Exception {
    int off = a.get("data_offset").asInt();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(file, off, a.get("stored_data_len").asInt());
    assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(a.get("sha256_stored").asText());
  }

  private static long[] longs(JsonNode n) {
    long[] r = new long[n.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = n.get(i).asLong();
    }
    return r;
  }

  /** Hash of the elements re-encoded one by one from the typed accessors. */
  static String hashOfElements(NpyArray arr) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    NpyDtype dt = arr.dtype();
    int sz = dt.itemSize();
    ByteBuffer b = ByteBuffer.allocate(Math.max(sz, 16)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < arr.count(); i++) {
      b.clear();
      switch (dt.kind()) {
        case 'b':
          b.put((byte) (arr.getBoolean(i) ? 1 : 0));
          break;
        case 'i':
        case 'u':
          long v = arr.getLong(i);
          for (int k = 0; k < sz; k++) {
            b.put((byte) (v >>> 8 * k));
          }
          break;
        case 'f':
          if (sz == 2) {
            b.putShort(floatToHalf(arr.getFloat(i)));
          } else if (sz == 4) {
            b.putFloat(arr.getFloat(i));
          } else {
            b.putDouble(arr.getDouble(i));
          }
          break;
        case 'c':
          if (sz == 8) {
            b.putFloat((float) arr.getReal(i)).putFloat((float) arr.getImag(i));
          } else {
            b.putDouble(arr.getReal(i)).putDouble(arr.getImag(i));
          }
          break;
        case 'S':
          byte[] s = arr.getBytes(i);
          b.put(s).put(new byte[sz - s.length]);
          break;
        default:
          byte[] u = arr.getString(i).getBytes(UTF32LE);
          b.put(u).put(new byte[sz - u.length]);
      }
      md.update(b.array(), 0, sz);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Exact for values that came from a float16 (test helper, independent of the codec). */
  static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = bits >>> 16 & 0x8000;
    int exp = (bits >>> 23 & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if ((bits >>> 23 & 0xff) == 0xff) {
      return (short) (sign | 0x7c00 | mant >>> 13);
    }
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      return (short) (sign | mant >>> (14 - exp));
    }
    return (short) (sign | exp << 10 | mant >>> 13);
  }

  private static void checkArray(NpyArray arr, JsonNode a) throws Exception {
    assertThat(arr.dtype().descr()).isEqualTo(a.get("descr").asText());
    assertThat(arr.shape()).containsExactly(longs(a.get("shape")));
    if (arr.dtype().kind() != 'b') {
      assertThat(hashOfElements(arr)).as("sha256_c_le from elements").isEqualTo(a.get("sha256_c_le").asText());
    }
    // (bool: numpy hashes the stored bytes, which may be 0/255 in real files, not 0/1; the raw-data
    // hash below and the count of true values cover bools.)
    if (a.has("sum_float64") && a.get("sum_float64").isNumber() && "biuf".indexOf(arr.dtype().kind()) >= 0) {
      double sum = 0;
      for (int i = 0; i < arr.count(); i++) {
        sum += arr.dtype().kind() == 'b' ? (arr.getBoolean(i) ? 1 : 0)
            : arr.dtype().kind() == 'f' ? arr.getDouble(i)
            : arr.dtype().kind() == 'u' && arr.dtype().itemSize() == 8 ? arr.getUnsignedBig(i).doubleValue()
            : arr.getLong(i);
      }
      assertThat(sum).as("sum_float64").isCloseTo(a.get("sum_float64").asDouble(),
          org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(sum))));
    }
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    assertThat(HexFormat.of().formatHex(md.digest(arr.data()))).isEqualTo(a.get("sha256_c_le").asText());
    if (a.has("values")) {
      List<JsonNode> flat = new ArrayList<>();
      flatten(a.get("values"), arr.dtype().kind() == 'c', flat);
      assertThat(flat).hasSize(arr.count());
      for (int i = 0; i < flat.size(); i++) {
        checkValue(arr, i, flat.get(i));
      }
    }
  }

  private static void flatten(JsonNode v, boolean complex, List<JsonNode> out) {
    if (v.isArray() && !(complex && v.size() == 2 && !v.get(0).isArray())) {
      v.forEach(x -> flatten(x, complex, out));
    } else {
      out.add(v);
    }
  }

  private static double num(JsonNode n) {
    if (n.isTextual()) {
      switch (n.asText()) {
        case "nan":
          return Double.NaN;
        case "inf":
          return Double.POSITIVE_INFINITY;
        case "-inf":
          return Double.NEGATIVE_INFINITY;
        case "-0.0":
          return -0.0;
        default:
          throw new AssertionError("unexpected value " + n);
      }
    }
    return n.asDouble();
  }

  private static void checkValue(NpyArray arr, int i, JsonNode v) {
    switch (arr.dtype().kind()) {
      case 'b':
        assertThat(arr.getBoolean(i)).isEqualTo(v.asBoolean());
        break;
      case 'i':
        assertThat(arr.getLong(i)).isEqualTo(v.asLong());
        break;
      case 'u':
        assertThat(arr.dtype().itemSize() == 8 ? arr.getUnsignedBig(i) : BigInteger.valueOf(arr.getLong(i)))
            .isEqualTo(v.bigIntegerValue());
        break;
      case 'f':
        assertThat(Double.doubleToLongBits(arr.getDouble(i))).as("element %d", i)
            .isEqualTo(Double.doubleToLongBits(num(v)));
        break;
      case 'c':
        assertThat(arr.getReal(i)).isEqualTo(num(v.get(0)));
        assertThat(arr.getImag(i)).isEqualTo(num(v.get(1)));
        break;
      case 'S':
        assertThat(HexFormat.of().formatHex(arr.getBytes(i))).isEqualTo(v.get("hex").asText());
        break;
      default:
        assertThat(arr.getString(i)).isEqualTo(v.asText());
    }
  }

  /** Our writer reproduces numpy's bytes exactly for little-endian arrays. */
  private static void checkRewrite(String rel, byte[] file, NpyHeader h, NpyArray arr) throws IOException {
    if (h.dtype().order() == ByteOrder.BIG_ENDIAN && h.dtype().swapUnit() > 1 || h.majorVersion() != 1
        || h.dataOffset() != 128) {
      return;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    if (h.fortranOrder()) {
      NpyWriter.writeFortran(arr, out);
    } else {
      NpyWriter.write(arr, out);
    }
    assertThat(out.toByteArray()).as("rewrite of " + rel).isEqualTo(file);
  }
}
