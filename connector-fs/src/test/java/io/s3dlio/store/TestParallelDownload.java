package io.s3dlio.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultPlan.Fault;
import io.s3dlio.testing.FaultPlan.RequestKind;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTargets;
import io.s3dlio.testing.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ParallelDownload} and the CLI's downloads on S3Proxy: exact bytes (CRC32C) whatever the
 * part size, concurrency and range; parts in flight bounded; one version per download; a failed
 * download leaves no file behind; a seeded fault run gives exact files or clear failures.
 */
class TestParallelDownload {
  private static final String BUCKET = "parallel-download";
  private static final int LEN = 5 * (1 << 20) + 123;
  private static byte[] data;
  private static ObjectUri object;

  @TempDir
  Path dir;

  @BeforeAll
  static void upload() throws IOException {
    S3ProxyServer.get().createBucket(BUCKET);
    data = new byte[LEN];
    new Random(17).nextBytes(data);
    object = ObjectUri.parse("s3://" + BUCKET + "/" + UUID.randomUUID() + "/big.bin");
    try (ObjectStore s = ObjectStores.open(object, S3ProxyServer.get().storeConfig())) {
      s.put(object, data);
    }
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }

  private long download(ObjectStore store, ObjectUri uri, long offset, long length, ParallelDownload.Settings s,
      Path file) throws IOException {
    AtomicLong progress = new AtomicLong();
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long n = new ParallelDownload(store, s).toFile(uri, offset, length, out, progress::addAndGet);
      assertThat(progress.get()).as("progress reports every byte once").isEqualTo(n);
      return n;
    }
  }

  @Test
  void everySplitGivesTheExactBytes() throws Exception {
    try (ObjectStore s3 = ObjectStores.open(object, S3ProxyServer.get().storeConfig())) {
      Object[][] cases = {
          {3, 1L << 20, 0L, -1L}, {8, 1L << 20, 0L, -1L}, {1, 1L << 20, 0L, -1L}, {4, 8L << 20, 0L, -1L},
          {4, 300_000L, 1_000_001L, 2_500_000L}, {2, 1L << 20, LEN - 10L, 1000L}, {3, 1L << 20, 0L, 0L}};
      for (Object[] c : cases) {
        ParallelDownload.Settings s = new ParallelDownload.Settings((int) c[0], (long) c[1]);
        long off = (long) c[2];
        long len = (long) c[3];
        Path f = dir.resolve("case-" + Arrays.toString(c).replaceAll("[^0-9]+", "-") + ".bin");
        long n = download(s3, object, off, len, s, f);
        int expected = (int) (len < 0 ? LEN - off : Math.min(len, LEN - off));
        assertThat(n).isEqualTo(expected);
        byte[] got = Files.readAllBytes(f);
        assertThat(got).as(Arrays.toString(c)).hasSize(expected);
        assertThat(crc(got, 0, got.length)).as(Arrays.toString(c)).isEqualTo(crc(data, (int) off, expected));
      }
      assertThatThrownBy(() -> download(s3, object, LEN, -1, new ParallelDownload.Settings(2, 1 << 20),
          dir.resolve("eof.bin")))
          .isInstanceOf(EOFException.class).hasMessageContaining(object.toString()).hasMessageContaining("offset " + LEN);
    }
  }

  @Test
  void atMostConcurrencyGetsAtOnceEachOneRange() throws Exception {
    try (FaultProxy p = FaultTargets.s3Proxy().latency(Duration.ofMillis(100));
        ObjectStore s3 = ObjectStores.open(object, S3ProxyServer.get().storeConfig()
            .with("s3.endpoint", p.endpoint().toString()))) {
      Path f = dir.resolve("bounded.bin");
      download(s3, object, 0, -1, new ParallelDownload.Settings(2, 1 << 20), f);
      assertThat(crc(Files.readAllBytes(f), 0, LEN)).isEqualTo(crc(data, 0, LEN));
      List<String> gets = p.requestHeads().stream().filter(h -> h.startsWith("GET ")).toList();
      assertThat(gets).hasSize(6);
      assertThat(gets).allSatisfy(h -> assertThat(h.toLowerCase()).contains("range: bytes=").contains("if-match"));
      assertThat(p.peakInFlight()).as("GETs in flight with range-concurrency 2").isBetween(1, 2);
    }
  }

  @Test
  void anObjectReplacedDuringTheDownloadFailsIt() throws Exception {
    ObjectUri uri = object.withKey(object.key() + "-replaced");
    try (ObjectStore s3 = ObjectStores.open(object, S3ProxyServer.get().storeConfig())) {
      s3.put(uri, data);
      AtomicInteger opens = new AtomicInteger();
      // every call passes to the store; a new version is written between the first two parts' GETs
      ObjectStore replacing = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
          new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("openRange") && args.length == 4 && opens.incrementAndGet() == 2) {
              s3.put(uri, Arrays.copyOf(data, LEN - 7));
            }
            try {
              return method.invoke(s3, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      assertThatThrownBy(() -> download(replacing, uri, 0, -1, new ParallelDownload.Settings(2, 1 << 20),
          dir.resolve("replaced.bin")))
          .isInstanceOf(ObjectChangedException.class)
          .hasMessageContaining(uri.toString());
    }
  }

  private record Cli(int code, String out, String err) {
  }

  private static Cli cli(StoreConfig config, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args, config, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void cliGetAndCpDownloadInPartsAndLeaveNothingWhenTheyFail() throws Exception {
    StoreConfig direct = S3ProxyServer.get().storeConfig();
    Cli get = cli(direct, "get", "--set", "range-part-size=1m", "--set", "range-concurrency=3", object.toString(),
        "-o", dir.resolve("got.bin").toString());
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("got.bin"))).isEqualTo(data);
    Cli cp = cli(direct.with(StoreConfig.RANGE_PART_SIZE, "700k"), "cp", object.toString(),
        dir.resolve("sub/copied.bin").toString(), "--no-progress");
    assertThat(cp.code()).as(cp.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("sub/copied.bin"))).isEqualTo(data);

    try (FaultProxy p = FaultTargets.s3Proxy()) {
      // every GET answered 500 (HEAD works): the download fails after its stat
      p.plan(FaultPlan.seeded(1).rate(Fault.SERVER_ERROR, 1.0, RequestKind.GET).build());
      StoreConfig broken = direct.with("s3.endpoint", p.endpoint().toString()).with("s3.max-retries", "0");
      Path failed = dir.resolve("failed");
      Files.createDirectories(failed);
      Cli bad = cli(broken, "get", "--set", "range-part-size=1m", object.toString(), "-o",
          failed.resolve("x.bin").toString());
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err().trim()).contains(object.key()).doesNotContain("\n");
      Cli badCp = cli(broken, "cp", object.toString(), failed.resolve("y.bin").toString(), "--no-progress");
      assertThat(badCp.code()).isEqualTo(1);
      assertThat(badCp.err()).contains(object.toString());
      try (var files = Files.list(failed)) {
        assertThat(files.toList()).as("no target, no temporary file").isEmpty();
      }
    }
  }

  @Test
  void aSeededFaultRunGivesExactFilesOrClearFailures() throws Exception {
    try (FaultProxy p = FaultTargets.s3Proxy();
        ObjectStore s3 = ObjectStores.open(object, FaultTargets.s3ViaProxy(p))) {
      p.plan(FaultPlan.seeded(Long.getLong("s3dlio.faults.seed", 20261123L))
          .rate(Fault.THROTTLE, 0.05, RequestKind.GET, RequestKind.HEAD).throttleBurst(2)
          .rate(Fault.SERVER_ERROR, 0.05, RequestKind.GET, RequestKind.HEAD)
          .rate(Fault.RESET, 0.08, RequestKind.GET)
          .rate(Fault.TRUNCATE, 0.08, RequestKind.GET)
          .rate(Fault.DROP_RESPONSE, 0.03, RequestKind.GET)
          .build());
      int exact = 0;
      for (int i = 0; i < 6; i++) {
        Path f = dir.resolve("faults-" + i + ".bin");
        try {
          download(s3, object, 0, -1, new ParallelDownload.Settings(3, 1 << 20), f);
          assertThat(crc(Files.readAllBytes(f), 0, LEN)).as("download " + i).isEqualTo(crc(data, 0, LEN));
          exact++;
        } catch (IOException e) {
          assertThat(e.getMessage()).as("a failure names the object").contains(object.key());
        }
      }
      assertThat(exact).as("exact downloads despite the faults").isPositive();
      assertThat(p.injectedTotal()).isPositive();
    }
  }
}
