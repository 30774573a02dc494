package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.loader.Batch;
import io.s3dlio.loader.BatchIterator;
import io.s3dlio.loader.DataLoader;
import io.s3dlio.loader.LoaderOptions;
import io.s3dlio.loader.MapDataset;
import io.s3dlio.loader.SampleException;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dataset over a real remote store (subclasses: S3Proxy, Azurite), checked against the
 * same files read locally (themselves checked against numpy, h5py and the golden files).
 */
abstract class RemoteDatasetsTestBase {
  @TempDir
  Path dir;

  StoreRegistry stores;
  ObjectUri root;
  private final StoreRegistry local = Fixtures.localStores();

  /** Store settings of the server. */
  abstract StoreConfig config();

  /** A fresh folder URI on the server. */
  abstract ObjectUri freshRoot();

  @BeforeEach
  void open() {
    stores = new StoreRegistry(config());
    root = freshRoot();
  }

  @AfterEach
  void close() throws IOException {
    stores.close();
  }

  private ObjectUri upload(Path file, String name) throws IOException {
    ObjectUri u = root.child(name);
    stores.storeFor(u).put(u, Files.readAllBytes(file));
    return u;
  }

  /** Reads every sample of {@code remote} through a shuffled loader and compares with {@code reference}. */
  private static void assertSameSamples(MapDataset remote, MapDataset reference) throws IOException {
    assertThat(remote.size()).isEqualTo(reference.size());
    try (DataLoader l = DataLoader.builder(remote).options(LoaderOptions.builder().batchSize(8).shuffle(true)
        .shuffleBlock(8).seed(1).numWorkers(4).build()).build(); BatchIterator it = l.iterator()) {
      Set<Long> seen = new HashSet<>();
      while (it.hasNext()) {
        Batch b = it.next();
        for (int r = 0; r < b.size(); r++) {
          long i = b.indices()[r];
          assertThat(seen.add(i)).isTrue();
          for (var e : reference.get(i).fields().entrySet()) {
            Object col = b.column(e.getKey());
            if (col instanceof byte[][] bytes) {
              assertThat(bytes[r]).as("%s of %d", e.getKey(), i).isEqualTo((byte[]) e.getValue());
            } else {
              io.s3dlio.loader.Tensor t = (io.s3dlio.loader.Tensor) col;
              double[] all = Values.doubles(t);
              double[] want = Values.doubles((io.s3dlio.loader.Tensor) e.getValue());
              assertThat(Arrays.copyOfRange(all, r * want.length, (r + 1) * want.length)).as("%s of %d", e.getKey(), i)
                  .containsExactly(want);
            }
          }
        }
      }
      assertThat(seen).hasSize((int) reference.size());
      assertThat(l.metrics().snapshot().requests()).isPositive();
      assertThat(l.metrics().snapshot().latencyP50Millis()).isPositive();
    }
  }

  @Test
  void tfrecordByIndexWithCoalescedRangeGets() throws IOException {
    List<ObjectUri> files = new ArrayList<>();
    for (int f = 0; f < 2; f++) {
      ObjectUri u = root.child("tf/part-" + f + ".tfrecord");
      Fixtures.putIndexed(stores, u, Fixtures.tfrecord(Fixtures.examples(f * 100L, 100, 64)));
      files.add(u);
    }
    TfFeature[] features = {TfFeature.int64("id"), TfFeature.float32("emb", 4), TfFeature.bytes("name")};
    TfRecordDataset ds = TfRecordDataset.builder(stores).prefix(root.child("tf/")).features(features).build();
    assertThat(ds.size()).isEqualTo(200);
    assertThat(ds.file(150)).isEqualTo(files.get(1));
    // remote objects: reads wait on the store, numWorkers parts at once
    assertThat(ds.localReads()).isFalse();
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(20).shuffle(true)
        .shuffleBlock(20).seed(4).build()).build(); BatchIterator it = l.iterator()) {
      Set<Long> ids = new HashSet<>();
      int batches = 0;
      while (it.hasNext()) {
        Batch b = it.next();
        batches++;
        for (int r = 0; r < b.size(); r++) {
          long id = b.tensor("id").longs()[r];
          assertThat(id).isEqualTo(b.indices()[r]);
          assertThat(new String(b.bytes("name")[r], java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("n" + id);
          assertThat(b.tensor("emb").floats()[4 * r + 1]).isEqualTo(id + 0.5f);
          ids.add(id);
        }
      }
      assertThat(ids).hasSize(200);
      assertThat(l.metrics().snapshot().requests()).isBetween((long) batches, 2L * batches);
    }
    // the stream reads the same files without their indexes
    TfRecordStream stream = TfRecordStream.fromPrefix(stores, root.child("tf/"), features);
    try (DataLoader l = DataLoader.builder(stream).options(LoaderOptions.builder().batchSize(64).build()).build();
        BatchIterator it = l.iterator()) {
      long n = 0;
      while (it.hasNext()) {
        Batch b = it.next();
        for (long id : b.tensor("id").longs()) {
          assertThat(id).isEqualTo(n++);
        }
      }
      assertThat(n).isEqualTo(200);
    }
  }

  @Test
  void rawObjectsAndAMissingOne() throws IOException {
    List<ObjectUri> uris = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ObjectUri u = root.child("raw/obj-" + String.format("%03d", i));
      byte[] b = new byte[100 + i];
      Arrays.fill(b, (byte) i);
      stores.storeFor(u).put(u, b);
      uris.add(u);
    }
    RawObjectDataset ds = RawObjectDataset.fromPrefix(stores, root.child("raw/"));
    assertThat(ds.size()).isEqualTo(30);
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(7).shuffle(true).seed(2)
        .numWorkers(4).build()).build(); BatchIterator it = l.iterator()) {
      int n = 0;
      while (it.hasNext()) {
        Batch b = it.next();
        for (int r = 0; r < b.size(); r++) {
          int i = (int) b.indices()[r];
          assertThat(b.bytes(RawObjectDataset.FIELD)[r]).hasSize(100 + i).containsOnly((byte) i);
          n++;
        }
      }
      assertThat(n).isEqualTo(30);
    }
    RawObjectDataset listed = RawObjectDataset.fromUris(stores, uris.subList(0, 5));
    stores.storeFor(uris.get(3)).delete(uris.get(3));
    assertThatThrownBy(() -> listed.get(3)).isInstanceOf(SampleException.class)
        .hasMessageContaining("Cannot read sample 3 from " + uris.get(3) + " at byte 0")
        .cause().isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void npzAndHdf5RowsEqualTheLocalFiles() throws Exception {
    Fixtures.python(dir, TestArrayDatasets.MAKE);
    ObjectUri stored = upload(dir.resolve("stored.npz"), "np/stored.npz");
    ObjectUri compressed = upload(dir.resolve("compressed.npz"), "np/compressed.npz");
    for (ObjectUri u : List.of(stored, compressed)) {
      String name = u.name();
      assertSameSamples(NpzDataset.builder(stores).files(List.of(u)).arrays("x", "y", "z", "w").build(),
          NpzDataset.builder(local).files(List.of(Fixtures.local(dir.resolve(name)))).arrays("x", "y", "z", "w")
              .build());
    }
    ObjectUri h5 = upload(dir.resolve("data.h5"), "h5/data.h5");
    String[] sets = TestArrayDatasets.H5.toArray(String[]::new);
    Hdf5Dataset remote = Hdf5Dataset.builder(stores).files(List.of(h5)).datasets(sets).blockSize(4096).cacheBlocks(4)
        .build();
    Hdf5Dataset here = Hdf5Dataset.builder(local).files(List.of(Fixtures.local(dir.resolve("data.h5"))))
        .datasets(sets).build();
    try {
      assertSameSamples(remote, here);
    } finally {
      remote.close();
      here.close();
    }
  }

  static String fresh() {
    return "loader-" + UUID.randomUUID() + "/";
  }
}
