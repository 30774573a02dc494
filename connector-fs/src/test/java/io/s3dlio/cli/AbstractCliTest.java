package io.s3dlio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI end to end against one backend; subclasses give the backend. */
public abstract class AbstractCliTest {
  protected Path local;
  protected String remote;

  /** Store settings for the backend under test. */
  protected abstract StoreConfig config() throws IOException;

  /** A URI prefix (ending in '/') where the test may write. */
  protected abstract String remoteRoot() throws IOException;

  protected record Result(int code, String out, String err) {
  }

  protected Result run(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args, config(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void setUpDirs() throws IOException {
    local = Files.createDirectories(Path.of("target", "cli-tests", UUID.randomUUID().toString()).toAbsolutePath());
    remote = remoteRoot() + "cli-" + UUID.randomUUID() + "/";
  }

  @Test
  void putStatLsGetRangeAndRm() throws IOException {
    byte[] data = new byte[300_001];
    new Random(3).nextBytes(data);
    Path src = Files.write(local.resolve("data file ü.bin"), data);
    assertThat(run("put", src.toString(), remote).code()).isZero();
    String obj = remote + "data file ü.bin";

    Result stat = run("stat", obj);
    assertThat(stat.code()).isZero();
    assertThat(stat.out()).contains("size:          300001").contains(obj);

    Result ls = run("ls", remote);
    assertThat(ls.code()).isZero();
    assertThat(ls.out().trim()).endsWith(obj).contains("300001");

    Path got = local.resolve("got.bin");
    assertThat(run("get", obj, "-o", got.toString()).code()).isZero();
    assertThat(Files.readAllBytes(got)).isEqualTo(data);

    Path part = local.resolve("part.bin");
    assertThat(run("get", obj, "-o", part.toString(), "--range", "1000:500").code()).isZero();
    assertThat(Files.readAllBytes(part)).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 1500));

    assertThat(run("rm", obj).code()).isZero();
    Result gone = run("stat", obj);
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err().trim()).contains(obj).doesNotContain("\n").doesNotContain("Exception in");
  }

  @Test
  void recursiveCopyUpDownWithFilters() throws IOException {
    Files.createDirectories(local.resolve("tree/sub"));
    Files.writeString(local.resolve("tree/a.tfrecord"), "a");
    Files.writeString(local.resolve("tree/b.txt"), "b");
    Files.writeString(local.resolve("tree/sub/c.tfrecord"), "c");
    Result up = run("cp", "-r", local.resolve("tree").toString(), remote + "up/");
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(up.err()).contains("copied").contains("3/3 files");

    Result ls = run("ls", "-r", remote + "up/");
    assertThat(ls.out()).contains(remote + "up/a.tfrecord").contains(remote + "up/b.txt").contains(remote + "up/sub/c.tfrecord");

    Path down = local.resolve("down");
    Result dl = run("cp", "-r", "--include", "**.tfrecord", remote + "up/", down + "/");
    assertThat(dl.code()).as(dl.err()).isZero();
    assertThat(Files.readString(down.resolve("a.tfrecord"))).isEqualTo("a");
    assertThat(Files.readString(down.resolve("sub/c.tfrecord"))).isEqualTo("c");
    assertThat(down.resolve("b.txt")).doesNotExist();

    Result rx = run("cp", "-r", "--regex", "^b\\.", remote + "up/", remote + "rx/");
    assertThat(rx.code()).as(rx.err()).isZero();
    assertThat(run("ls", "-r", remote + "rx/").out()).contains(remote + "rx/b.txt").doesNotContain("tfrecord");

    assertThat(run("rm", "-r", remote).code()).isZero();
    assertThat(run("ls", remote).code()).isEqualTo(1);
  }

  @Test
  void failuresGiveOneLineNamingTheUri() throws IOException {
    Result missing = run("get", remote + "nope", "-o", local.resolve("x").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().trim().lines().count()).isEqualTo(1);
    assertThat(missing.err()).contains(remote + "nope");
    assertThat(local.resolve("x")).doesNotExist();

    Result badScheme = run("ls", "hdfs://nn/x");
    assertThat(badScheme.code()).isEqualTo(1);
    assertThat(badScheme.err().trim()).contains("hdfs://nn/x").contains("unknown scheme");

    Result badRange = run("get", remote + "x", "-o", "-", "--range", "5");
    assertThat(badRange.code()).isEqualTo(1);
    assertThat(badRange.err()).contains("--range '5'");

    assertThat(run("frobnicate").code()).isEqualTo(2);
  }

  protected static ObjectUri uri(String s) {
    return ObjectUri.parse(s);
  }
}
