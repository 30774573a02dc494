package io.s3dlio.store.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads an operation log back for tests, checking the format on the way: decompressed with
 * zstd-jni AND with the {@code zstd} command (Debian package; both must give the same text), the
 * header of warp's {@code Operations.CSV}, 13 fields per line, consecutive {@code idx}, Go's
 * RFC3339Nano times, {@code duration_ns == end - start} and {@code start <= first_byte <= end}.
 */
public final class OpLogFile {
  /** Go's time.RFC3339Nano in UTC: no trailing zeros in the fraction, no fraction when zero. */
  private static final Pattern RFC3339_NANO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{0,8}[1-9])?Z");

  /** One parsed line. */
  public record Line(long idx, int thread, String op, String clientId, long objects, long bytes, String endpoint,
      String file, String error, Instant start, Instant firstByte, Instant end, long durationNs) {
  }

  private OpLogFile() {
  }

  /** The decompressed text (zstd-jni), after checking that the zstd command gives the same. */
  public static String text(Path file) throws IOException, InterruptedException {
    String jni;
    try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
      jni = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Process p = new ProcessBuilder("zstd", "-dc", file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String cli = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("zstd -dc " + file).isZero();
    assertThat(cli).as("zstd command output equals zstd-jni output").isEqualTo(jni);
    return jni;
  }

  /** Every line, parsed and checked. */
  public static List<Line> read(Path file) throws IOException, InterruptedException {
    String text = text(file);
    assertThat(text).endsWith("\n");
    String[] rows = text.split("\n");
    assertThat(rows[0]).isEqualTo(
        "idx\tthread\top\tclient_id\tn_objects\tbytes\tendpoint\tfile\terror\tstart\tfirst_byte\tend\tduration_ns");
    List<Line> out = new ArrayList<>();
    for (int i = 1; i < rows.length; i++) {
      String[] f = rows[i].split("\t", -1);
      assertThat(f).as("fields of line %d: %s", i, rows[i]).hasSize(13);
      for (int t : new int[] {9, 11}) {
        assertThat(f[t]).as("time field %d of line %d", t, i).matches(RFC3339_NANO);
      }
      assertThat(f[10]).as("first_byte of line %d", i).matches(s -> s.isEmpty() || RFC3339_NANO.matcher(s).matches());
      Instant start = Instant.parse(f[9]);
      Instant end = Instant.parse(f[11]);
      Instant fb = f[10].isEmpty() ? null : Instant.parse(f[10]);
      Line l = new Line(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[2], f[3], Long.parseLong(f[4]),
          Long.parseLong(f[5]), f[6], f[7], f[8], start, fb, end, Long.parseLong(f[12]));
      assertThat(l.idx()).as("idx of line %d", i).isEqualTo(i - 1);
      assertThat(l.thread()).isBetween(0, 65535);
      assertThat(l.clientId()).isNotEmpty();
      assertThat(l.durationNs()).as("duration_ns of line %d", i).isEqualTo(Duration.between(start, end).toNanos());
      assertThat(l.durationNs()).isNotNegative();
      if (fb != null) {
        assertThat(fb).isBetween(start, end);
      }
      out.add(l);
    }
    return out;
  }
}
