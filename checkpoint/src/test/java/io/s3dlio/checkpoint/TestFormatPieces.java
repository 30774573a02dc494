package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.checkpoint.format.Crc32c;
import io.s3dlio.checkpoint.format.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Units of the format: CRC32C (against java.util.zip.CRC32C), the JSON subset, dtype names. */
class TestFormatPieces {

  @Test
  void crcCombineEqualsTheCrcOfTheConcatenation() {
    assertThat(Crc32c.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283);
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[r.nextInt(20_000)];
      r.nextBytes(b);
      int cut = b.length == 0 ? 0 : r.nextInt(b.length + 1);
      CRC32C whole = new CRC32C();
      whole.update(b);
      int a = Crc32c.of(b, 0, cut);
      int c = Crc32c.of(b, cut, b.length - cut);
      assertThat(Crc32c.combine(a, c, b.length - cut)).as("length %d cut %d", b.length, cut)
          .isEqualTo((int) whole.getValue());
    }
    assertThat(Crc32c.combine(0, 0x1234, 0)).isZero();
    assertThat(Crc32c.json(0x0a0b0c0d)).isEqualTo("0a0b0c0d");
    assertThat(Crc32c.parseJson("ffffffff")).isEqualTo(-1);
    assertThatThrownBy(() -> Crc32c.parseJson("FFFFFFFF")).hasMessageContaining("8 lowercase hex digits");
  }

  @Test
  void jsonRoundTripsAndRejectsWhatTheFormatNeverWrites() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("s", "quote \" backslash \\ newline \n tab \t ctl \u0001 ü €");
    m.put("n", -42L);
    m.put("l", List.of(1L, "x", true, false));
    m.put("o", Map.of());
    m.put("z", null);
    String text = Json.write(m);
    assertThat(Json.parse(text)).isEqualTo(m);
    assertThatThrownBy(() -> Json.parse("{\"a\":1.5}")).hasMessageContaining("no fractions")
        .hasMessageContaining("character 5");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> Json.parse("{\"a\":01}")).hasMessageContaining("Leading zeroes");
    assertThatThrownBy(() -> Json.parse("{\"a\":99999999999999999999}")).hasMessageContaining("within 64 bits");
    assertThatThrownBy(() -> Json.parse("[1,2")).hasMessageContaining("end-of-input");
    assertThatThrownBy(() -> Json.parse("{} {}")).hasMessageContaining("end of input after the value")
        .hasMessageContaining("character 3");
    assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100))).hasMessageContaining("64");
  }

  @Test
  void dtypeNamesAndAliases() {
    assertThat(DType.of("bf16")).isEqualTo(DType.BFLOAT16);
    assertThat(DType.of("f16")).isEqualTo(DType.FLOAT16);
    assertThat(DType.of("i64")).isEqualTo(DType.INT64);
    assertThat(DType.of("uint8")).isEqualTo(DType.UINT8);
    assertThat(DType.of("FLOAT32").id()).isEqualTo("float32");
    assertThatThrownBy(() -> DType.of("complex64")).hasMessageContaining("Unknown tensor dtype 'complex64'");
    assertThatThrownBy(() -> TensorSpec.of("", DType.FLOAT32, 1)).hasMessageContaining("Invalid tensor name");
    assertThatThrownBy(() -> TensorSource.of("x", DType.FLOAT32, new long[] {3}, new byte[8]))
        .hasMessageContaining("needs 12 bytes, got 8");
  }
}
