package io.s3dlio.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.S3ProxyServer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** upload-buffer=disk on the real servers: parts go through temporary files, which never outlive the upload. */
class TestDiskBufferedUploads {

  static Stream<Arguments> backends() throws IOException {
    S3ProxyServer.get().createBucket("disk-buffer");
    AzuriteServer.get().createContainer("disk-buffer");
    return Stream.of(
        Arguments.of("s3", S3ProxyServer.get().storeConfig().with("s3.part-size", "5m"), "s3://disk-buffer/", "s3."),
        Arguments.of("az", AzuriteServer.get().storeConfig().with("azure.block-size", "1m"),
            "az://" + AzuriteServer.get().account() + "/disk-buffer/", "azure."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void multiBlockWriteAndAbortThroughTemporaryFiles(String name, StoreConfig base, String root, String prefix)
      throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "upload-buffers", UUID.randomUUID().toString()));
    StoreConfig config = base.with(prefix + "upload-buffer", "disk").with(prefix + "upload-buffer-dir", dir.toString());
    byte[] data = new byte[12 * 1024 * 1024 + 7];
    new Random(5).nextBytes(data);
    try (ObjectStore store = ObjectStores.open(ObjectUri.parse(root), config)) {
      ObjectUri uri = ObjectUri.parse(root + UUID.randomUUID() + "/big.bin");
      try (ObjectWriter w = store.openWriter(uri)) {
        for (int off = 0; off < data.length; off += 100_000) {
          w.write(data, off, Math.min(100_000, data.length - off));
        }
      }
      assertThat(store.get(uri)).isEqualTo(data);
      assertThat(listing(dir)).as("temporary block files are deleted").isEmpty();

      ObjectUri small = ObjectUri.parse(root + UUID.randomUUID() + "/small.bin");
      store.put(small, new byte[] {1, 2, 3});
      try (ObjectWriter w = store.openWriter(small.withKey(small.key() + ".2"))) {
        w.write(new byte[] {4, 5});
      }
      assertThat(store.get(small.withKey(small.key() + ".2"))).containsExactly(4, 5);

      ObjectUri aborted = ObjectUri.parse(root + UUID.randomUUID() + "/aborted.bin");
      ObjectWriter w = store.openWriter(aborted);
      w.write(data);
      w.abort();
      assertThatThrownBy(() -> store.stat(aborted)).isInstanceOf(FileNotFoundException.class);
      assertThat(listing(dir)).as("temporary block files are deleted on abort").isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void badBufferSettingIsNamed(String name, StoreConfig base, String root, String prefix) {
    assertThatThrownBy(() -> ObjectStores.open(ObjectUri.parse(root), base.with(prefix + "upload-buffer", "tape")).close())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(prefix + "upload-buffer").hasMessageContaining("tape");
  }

  private static java.util.List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
