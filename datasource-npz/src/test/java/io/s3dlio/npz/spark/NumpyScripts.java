package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of src/test/resources with {@code /usr/bin/python3} (Debian's numpy: the
 * independent reader and writer of the tests) and parses the JSON it prints.
 */
final class NumpyScripts {
  private NumpyScripts() {
  }

  static JsonNode run(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
        Path.of("src/test/resources", script).toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    byte[] out;
    byte[] err;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      out = o.readAllBytes();
      err = e.readAllBytes();
    }
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s failed: %s", script, new String(err, StandardCharsets.UTF_8)).isZero();
    return new ObjectMapper().readTree(out);
  }
}
