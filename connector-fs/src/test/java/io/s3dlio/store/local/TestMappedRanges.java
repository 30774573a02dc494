package io.s3dlio.store.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.metrics.MetricsKeys;
import io.s3dlio.store.metrics.OpLogFile;
import io.s3dlio.store.metrics.OpSnapshot;
import io.s3dlio.store.metrics.StoreOp;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ObjectStore#mapRange} of the {@code file://} store, on real files: the mapped bytes equal
 * the file's, ranges follow {@code getRange}'s rules (cut at the end, EOF from the end on, empty
 * for length 0), errors name the file, and every mapping is one range read in the store's metrics
 * and operation log. {@code direct://} does not map.
 */
class TestMappedRanges {
  @TempDir
  Path dir;

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** {@code n} random bytes, written to {@code name} in the test's folder. */
  private byte[] write(String name, int n, long seed) throws IOException {
    byte[] data = new byte[n];
    new Random(seed).nextBytes(data);
    Files.write(dir.resolve(name), data);
    return data;
  }

  @Test
  void mappedRangesEqualTheFileAndAreMeteredAndLoggedAsRangeReads() throws Exception {
    byte[] data = write("obj.bin", 300_000, 11);
    Path file = dir.resolve("obj.bin");
    ObjectUri uri = ObjectUri.local(ObjectUri.Scheme.FILE, file.toString());
    ObjectUri missing = ObjectUri.local(ObjectUri.Scheme.FILE, dir.resolve("missing").toString());
    Path log = dir.resolve("ops.tsv.zst");
    long mappedBytes;
    try (ObjectStore store = ObjectStores.open(ObjectUri.Scheme.FILE,
        StoreConfig.EMPTY.with(MetricsKeys.OPLOG_FILE, log.toString()))) {
      assertThat(store.canMapRanges()).isTrue();
      ByteBuffer whole = store.mapRange(uri, 0, data.length);
      assertThat(whole.isReadOnly()).isTrue();
      assertThat(bytes(whole)).isEqualTo(data);
      ByteBuffer middle = store.mapRange(uri, 12_345, 100_000);
      assertThat(bytes(middle)).isEqualTo(Arrays.copyOfRange(data, 12_345, 112_345));
      // a range that runs past the end is cut at the end, as getRange cuts it
      ByteBuffer tail = store.mapRange(uri, data.length - 10, 1000);
      assertThat(bytes(tail)).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
      assertThat(store.mapRange(uri, 5, 0).remaining()).isZero();
      assertThatThrownBy(() -> whole.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
      mappedBytes = data.length + 100_000 + 10;

      assertThatThrownBy(() -> store.mapRange(uri, data.length, 10)).isInstanceOf(EOFException.class)
          .hasMessage("map " + uri + ": offset " + data.length + " is at or past the end (size " + data.length + ")");
      assertThatThrownBy(() -> store.mapRange(missing, 0, 10)).isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
      ObjectUri folder = ObjectUri.local(ObjectUri.Scheme.FILE, dir.toString());
      assertThatThrownBy(() -> store.mapRange(folder, 0, 10)).isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining("is a directory");
      assertThatThrownBy(() -> store.mapRange(uri, -1, 10)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(uri.toString());
      assertThatThrownBy(() -> store.mapRange(uri, 0, 1L << 31)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(uri.toString());

      // a write replaces the file by rename: a mapping made before still reads the bytes it mapped
      byte[] other = new byte[data.length];
      store.put(uri, other);
      assertThat(bytes(whole)).isEqualTo(data);
      assertThat(bytes(store.mapRange(uri, 0, 100))).isEqualTo(new byte[100]);
      mappedBytes += 100;

      OpSnapshot ranges = ((MeteredObjectStore) store).metrics().snapshot().stream()
          .filter(s -> s.op() == StoreOp.GET_RANGE).findFirst().orElseThrow();
      // five mappings (one of length 0), and five refused ones counted as failed range reads (the end of
      // the file, a missing file, a directory, a negative offset, a length too long for one buffer)
      assertThat(ranges.count()).isEqualTo(5);
      assertThat(ranges.latencyMicros().getTotalCount()).isEqualTo(5);
      assertThat(ranges.errors()).isEqualTo(5);
      assertThat(ranges.bytes()).isEqualTo(mappedBytes);
    }
    List<OpLogFile.Line> lines = OpLogFile.read(log).stream().filter(l -> l.op().equals("GET_RANGE")).toList();
    assertThat(lines).hasSize(10);
    assertThat(lines.stream().mapToLong(OpLogFile.Line::bytes).sum()).isEqualTo(mappedBytes);
    assertThat(lines).filteredOn(l -> !l.error().isEmpty()).hasSize(5)
        .anySatisfy(l -> assertThat(l.file()).isEqualTo(missing.toString()));
    assertThat(lines).filteredOn(l -> l.error().isEmpty()).allSatisfy(l -> {
      assertThat(l.file()).isEqualTo(uri.toString());
      assertThat(l.objects()).isEqualTo(1);
    });
  }

  @Test
  void anUnmeteredStoreMapsTooAndDirectDoesNot() throws Exception {
    byte[] data = write("d.bin", 5000, 12);
    Path file = dir.resolve("d.bin");
    try (ObjectStore plain = ObjectStores.open(ObjectUri.Scheme.FILE,
        StoreConfig.EMPTY.with(MetricsKeys.METRICS_ENABLED, "false"))) {
      assertThat(plain).isNotInstanceOf(MeteredObjectStore.class);
      assertThat(bytes(plain.mapRange(ObjectUri.local(ObjectUri.Scheme.FILE, file.toString()), 100, 200)))
          .isEqualTo(Arrays.copyOfRange(data, 100, 300));
    }
    ObjectUri direct = ObjectUri.local(ObjectUri.Scheme.DIRECT, file.toString());
    try (ObjectStore store = ObjectStores.open(ObjectUri.Scheme.DIRECT, StoreConfig.EMPTY)) {
      assertThat(store.canMapRanges()).isFalse();
      assertThatThrownBy(() -> store.mapRange(direct, 0, 10)).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("map " + direct).hasMessageContaining("direct:// store cannot map ranges");
    }
  }
}
