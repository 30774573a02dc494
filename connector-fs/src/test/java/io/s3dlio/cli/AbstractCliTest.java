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
import java.util.List;
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

  /**
   * bench put, get and list on the backend: the JSON summary counts exactly the operations asked
   * for, the store operations behind them and their bytes; the operation log has one line per
   * store operation; the plot is a PNG ImageIO decodes.
   */
  @Test
  void benchPutGetListWithJsonOpLogAndPlot() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    String prefix = remote + "bench/";
    Path log = local.resolve("put-ops.tsv.zst");
    Result put = run("--op-log", log.toString(), "bench", "put", prefix, "-n", "6", "-s", "200k", "-c", "3",
        "--dedup", "2", "--compress", "2", "--json");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.err()).contains("bench put done:").contains("6/6 ops");
    var p = json.readTree(put.out());
    assertThat(p.get("ops").asLong()).isEqualTo(6);
    assertThat(p.get("bytes").asLong()).isEqualTo(6 * 204_800L);
    assertThat(p.get("errors").asLong()).isZero();
    assertThat(p.get("ops_per_sec").asDouble()).isPositive();
    var putOp = storeOp(p, "put");
    assertThat(putOp.get("count").asLong()).isEqualTo(6);
    assertThat(putOp.get("bytes").asLong()).isEqualTo(6 * 204_800L);
    assertThat(putOp.get("latency_us").get("p99.99").asLong()).isLessThanOrEqualTo(putOp.get("latency_us").get("max").asLong());
    List<io.s3dlio.store.metrics.OpLogFile.Line> lines = io.s3dlio.store.metrics.OpLogFile.read(log);
    assertThat(lines).hasSize(6).allSatisfy(l -> {
      assertThat(l.op()).isEqualTo("PUT");
      assertThat(l.bytes()).isEqualTo(204_800);
      assertThat(l.file()).startsWith(prefix + "obj-0000000");
    });
    assertThat(lines).extracting(io.s3dlio.store.metrics.OpLogFile.Line::file).doesNotHaveDuplicates();

    Path png = local.resolve("get.png");
    Result get = run("bench", "get", prefix, "--ops", "12", "-c", "2", "--json", "--plot", png.toString());
    assertThat(get.code()).as(get.err()).isZero();
    var g = json.readTree(get.out());
    assertThat(g.get("ops").asLong()).isEqualTo(12);
    assertThat(g.get("bytes").asLong()).isEqualTo(12 * 204_800L);
    assertThat(storeOp(g, "get").get("count").asLong()).isEqualTo(12);
    assertThat(storeOp(g, "get").get("first_byte_us").get("max").asLong()).isPositive();
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(LatencyPlot.WIDTH);

    Result list = run("bench", "list", prefix, "--ops", "3", "--no-progress");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("bench list " + prefix + ": 3 ops").contains("LIST").contains("p99.99");
    assertThat(list.err()).isEmpty();

    Result none = run("bench", "get", remote + "nothing-here/", "--no-progress");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains(remote + "nothing-here/").contains("no objects");
    Result badPlot = run("bench", "list", prefix, "--ops", "1", "--plot", local.resolve("x.gif").toString());
    assertThat(badPlot.code()).isEqualTo(1);
    assertThat(badPlot.err()).contains("x.gif").contains(".png or .html");
  }

  private static com.fasterxml.jackson.databind.JsonNode storeOp(com.fasterxml.jackson.databind.JsonNode summary,
      String op) {
    for (var n : summary.get("store_ops")) {
      if (n.get("op").asText().equals(op)) {
        return n;
      }
    }
    throw new AssertionError("no store op " + op + " in " + summary);
  }

  protected static ObjectUri uri(String s) {
    return ObjectUri.parse(s);
  }
}
