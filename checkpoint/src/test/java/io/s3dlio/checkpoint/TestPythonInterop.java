package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.checkpoint.CheckpointOptions.Compression;
import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.dist.InProcessCollective;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The format across languages, with Debian's /usr/bin/python3 (numpy, python3-zstandard,
 * python3-crc32c): the Python module (loader-bridge/python/s3dlio_bridge/checkpoint.py) reads
 * checkpoints this module wrote, values equal, and finds the same damage (its unittest suite runs
 * here against them; no test may be skipped); and this module reads checkpoints Python wrote.
 */
class TestPythonInterop {
  static final String PYTHON = "/usr/bin/python3";
  @TempDir
  static Path dir;
  /** loader-bridge/python of this checkout (tests run in the module folder). */
  static Path pythonDir() {
    return Paths.get("").toAbsolutePath().getParent().resolve("loader-bridge").resolve("python");
  }

  private record Run(int exit, String output) {
  }

  private static Run python(Path cwd, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", pythonDir().toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Writes, per compression, step 10 (the exact tensors, world size 1) and step 20 (world size 2). */
  private static Path writeJavaFixtures() throws Exception {
    Path fixtures = dir.resolve("java-fixtures");
    for (Compression c : Compression.values()) {
      try (CheckpointStore cs = CheckpointStore.open(TestStores.local(), ObjectUri.local(ObjectUri.Scheme.FILE,
          fixtures.resolve(c.id()) + "/"), AbstractCheckpointStoreTest.SMALL_CHUNKS.withCompression(c))) {
        cs.save(10, Fixtures.exact(), Map.of("loader", "{\"epoch\":3,\"offset\":1234}", "writer", "java"));
        List<CheckpointCollective> g = InProcessCollective.create(2, Duration.ofSeconds(60));
        AbstractCheckpointStoreTest.runRanks(2, r -> cs.save(20, List.of(Fixtures.randomF32("w", 30_000, r),
            Fixtures.randomF32("b", 100, r)), Map.of("lr", "0.001"), g.get(r)));
      }
    }
    for (int r = 0; r < 2; r++) {
      Files.write(fixtures.resolve("w-rank" + r + ".f32"),
          AbstractCheckpointStoreTest.bytesOf(List.of(Fixtures.randomF32("w", 30_000, r))).get("w"));
    }
    return fixtures;
  }

  @Test
  void pythonReadsAndChecksJavaCheckpoints() throws Exception {
    Path fixtures = writeJavaFixtures();
    Run run = python(pythonDir(), Map.of("S3DLIO_CKPT_JAVA_FIXTURES", fixtures.toString()),
        "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-p", "test_checkpoint*.py", "-v");
    assertThat(run.exit()).as(run.output()).isZero();
    Matcher m = Pattern.compile("Ran (\\d+) tests").matcher(run.output());
    assertThat(m.find()).as(run.output()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as(run.output()).isGreaterThanOrEqualTo(30);
    assertThat(run.output()).as("no test skipped").doesNotContain("skipped").contains("\nOK");
    assertThat(run.output()).contains("test_values_equal (tests.test_checkpoint_java.JavaWritten")
        .contains("test_flipped_chunk_byte (tests.test_checkpoint_java.JavaWrittenCorruption.");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void javaReadsAPythonCheckpoint(Compression c) throws Exception {
    Path root = dir.resolve("python-" + c.id());
    Run run = python(pythonDir().resolve("tests"), Map.of(), "write_checkpoint_fixture.py", root.toString(), "3",
        c.id());
    assertThat(run.exit()).as(run.output()).isZero();
    String saveId = run.output().trim();
    try (CheckpointStore cs = CheckpointStore.open(TestStores.local(), ObjectUri.local(ObjectUri.Scheme.FILE, root + "/"),
        CheckpointOptions.DEFAULT)) {
      Checkpoint ck = cs.loadLatest();
      assertThat(ck.step()).isEqualTo(3);
      assertThat(ck.saveId()).isEqualTo(saveId);
      assertThat(ck.info().compression()).isEqualTo(c.id());
      assertThat(ck.userMetadata()).containsExactly(Map.entry("writer", "python"));
      List<TensorSource> expected = Fixtures.exact();
      assertThat(ck.tensors()).containsExactlyElementsOf(expected.stream().map(TensorSource::spec).toList());
      Map<String, Tensor> got = ck.readAll();
      AbstractCheckpointStoreTest.bytesOf(expected).forEach((name, bytes) ->
          assertThat(got.get(name).bytes()).as(name).isEqualTo(bytes));
      cs.verify(3);
      assertThat(cs.latestPointer()).contains(3L);
    }
  }

  @Test
  void thePythonModuleIsThere() throws IOException {
    assertThat(pythonDir().resolve("s3dlio_bridge").resolve("checkpoint.py")).isRegularFile();
    assertThat(Files.isExecutable(Paths.get(PYTHON))).as(PYTHON + " (Debian's, with numpy, zstandard, crc32c)").isTrue();
  }
}
