package io.s3dlio.store.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TestDirectIo {
  private static final Path TMPFS = Path.of("/dev/shm");

  private static boolean tmpfsAvailable() throws IOException {
    return Files.isDirectory(TMPFS) && Files.getFileStore(TMPFS).type().equals("tmpfs");
  }

  @Test
  void unalignedRangesMatchBufferedReads() throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "direct-io").toAbsolutePath());
    byte[] data = new byte[1_000_003];
    new Random(1).nextBytes(data);
    Path f = dir.resolve("f-" + UUID.randomUUID());
    Files.write(f, data);
    try (ObjectStore direct = ObjectStores.open(ObjectUri.Scheme.DIRECT, StoreConfig.EMPTY.with("direct.buffer-size", "8k"))) {
      ObjectUri u = ObjectUri.local(ObjectUri.Scheme.DIRECT, f.toString());
      for (long[] r : new long[][] {{0, 1}, {1, 4095}, {4095, 2}, {4096, 4096}, {12_345, 100_000}, {999_999, 4}, {1_000_000, 100}}) {
        int len = (int) Math.min(r[1], data.length - r[0]);
        assertThat(direct.getRange(u, r[0], (int) r[1])).as("range %s+%s", r[0], r[1])
            .isEqualTo(Arrays.copyOfRange(data, (int) r[0], (int) r[0] + len));
      }
      try (InputStream in = direct.openRange(u, 777, 500_000)) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 777, 500_777));
      }
    }
  }

  @Test
  void tmpfsRefusalIsClearUnlessFallbackIsChosen() throws IOException {
    assumeTrue(tmpfsAvailable(), "needs /dev/shm on tmpfs");
    Path f = TMPFS.resolve("s3dlio-direct-" + UUID.randomUUID());
    try {
      Files.write(f, new byte[] {1, 2, 3});
      ObjectUri u = ObjectUri.local(ObjectUri.Scheme.DIRECT, f.toString());
      try (ObjectStore strict = ObjectStores.open(ObjectUri.Scheme.DIRECT, StoreConfig.EMPTY)) {
        if (kernelRefusesDirect(f)) {
          assertThatThrownBy(() -> strict.get(u))
              .isInstanceOf(StoreException.class)
              .hasMessageContaining(u.toString())
              .hasMessageContaining("refused O_DIRECT")
              .hasMessageContaining("direct.fallback=buffered");
        } else {
          // Linux >= 6.6 supports O_DIRECT on tmpfs: then direct:// simply works there
          assertThat(strict.get(u)).containsExactly(1, 2, 3);
        }
      }
      try (ObjectStore lenient = ObjectStores.open(ObjectUri.Scheme.DIRECT, StoreConfig.EMPTY.with("direct.fallback", "buffered"))) {
        assertThat(lenient.get(u)).containsExactly(1, 2, 3);
        ObjectUri w = ObjectUri.local(ObjectUri.Scheme.DIRECT, f + ".written");
        lenient.put(w, new byte[] {9, 8});
        assertThat(Files.readAllBytes(Path.of(w.key()))).containsExactly(9, 8);
        Files.delete(Path.of(w.key()));
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }

  private static boolean kernelRefusesDirect(Path f) {
    try (java.nio.channels.FileChannel ch = DirectIo.openRead(f)) {
      return false;
    } catch (IOException e) {
      return FallbackIo.isDirectRefused(e);
    }
  }

  @Test
  void badFallbackSettingIsNamed() {
    assertThatThrownBy(() -> ObjectStores.open(ObjectUri.Scheme.DIRECT, StoreConfig.EMPTY.with("direct.fallback", "maybe")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct.fallback").hasMessageContaining("maybe");
  }
}
