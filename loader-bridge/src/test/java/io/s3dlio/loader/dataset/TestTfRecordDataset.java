package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.loader.Batch;
import io.s3dlio.loader.BatchIterator;
import io.s3dlio.loader.DataLoader;
import io.s3dlio.loader.ErrorPolicy;
import io.s3dlio.loader.LoaderException;
import io.s3dlio.loader.LoaderOptions;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.SampleException;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.index.StaleIndexException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestTfRecordDataset {
  @TempDir
  Path dir;

  private final StoreRegistry stores = Fixtures.localStores();

  /** Copies a golden TFRecord file and DALI's own index of it (dali/generated) into {@code dir}. */
  private ObjectUri goldenWithDaliIndex(String tfrecord, String name) throws IOException {
    Path data = dir.resolve(name);
    Files.copy(Fixtures.golden("tfrecord/" + tfrecord), data);
    Files.copy(Fixtures.golden("dali/generated/" + tfrecord.replace("/", "__") + ".idx"), dir.resolve(name + ".idx"));
    return Fixtures.local(data);
  }

  /**
   * Real files and DALI's indexes: the two shards of YDF's toy dataset decode, by global index,
   * to the values TensorFlow wrote (DECODED_small_files.json, extracted by Python).
   */
  @Test
  void goldenShardsDecodeByGlobalIndexToTheRecordedValues() throws Exception {
    ObjectUri s0 = goldenWithDaliIndex("ydf_toy/toy.nocompress-tfe-tfrecord-00000-of-00002", "s0");
    ObjectUri s1 = goldenWithDaliIndex("ydf_toy/toy.nocompress-tfe-tfrecord-00001-of-00002", "s1");
    String expected = Fixtures.python(dir, """
        import json
        d = json.load(open('%s'))
        for f in ['tfrecord/ydf_toy/toy.nocompress-tfe-tfrecord-00000-of-00002',
                  'tfrecord/ydf_toy/toy.nocompress-tfe-tfrecord-00001-of-00002']:
            for r in d[f]['records']:
                ft = r['features']
                print(ft['Bool_1']['values'], ft['Num_2']['values'], ft['Cat_1']['values'][0], ft['Cat_3']['values'])
        """.formatted(Fixtures.golden("tfrecord/DECODED_small_files.json")));
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(List.of(s0, s1))
        .features(TfFeature.int64List("Bool_1"), TfFeature.float32List("Num_2"), TfFeature.bytes("Cat_1"),
            TfFeature.float32("Cat_3"))
        .build();
    assertThat(ds.size()).isEqualTo(4);
    assertThat(ds.fileCount()).isEqualTo(2);
    assertThat(ds.file(3)).isEqualTo(s1);
    // local files: reads are page-cache copies, run at most one part per core
    assertThat(ds.localReads()).isTrue();
    List<String> lines = new ArrayList<>();
    for (long i = 0; i < 4; i++) {
      Sample s = ds.get(i);
      lines.add(list(s.tensor("Bool_1").longs()) + " " + list(s.tensor("Num_2").floats()) + " "
          + new String(s.bytes("Cat_1"), StandardCharsets.UTF_8) + " " + list(s.tensor("Cat_3").floats()));
      assertThat(s.tensor("Cat_3").shape()).isEmpty();
    }
    assertThat(lines).containsExactlyElementsOf(expected.lines().toList());
    // a bytes feature with two values does not fit a scalar bytes field
    TfRecordDataset multi = TfRecordDataset.builder(stores).files(List.of(s0)).features(TfFeature.bytes("Cat_set_1"))
        .build();
    assertThatThrownBy(() -> multi.get(1)).isInstanceOf(SampleException.class)
        .hasMessageContaining("Cannot read sample 1 from " + s0 + " at byte 169")
        .hasMessageContaining("feature 'Cat_set_1' has 2 values, but its shape [] needs 1");
  }

  private static String list(long[] a) {
    List<String> s = new ArrayList<>();
    for (long v : a) {
      s.add(Long.toString(v));
    }
    return s.toString();
  }

  private static String list(float[] a) {
    List<String> s = new ArrayList<>();
    for (float v : a) {
      s.add(Float.toString(v));
    }
    return s.toString();
  }

  /** Raw payloads by index equal the records the sequential codec reads. */
  @Test
  void rawPayloadsEqualTheSequentialReader() throws IOException {
    ObjectUri u = goldenWithDaliIndex("magenta_raw/tfrecord_iterator_test.tfrecord", "raw.tfrecord");
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(List.of(u)).build();
    try (InputStream in = Files.newInputStream(Path.of(u.key()));
        TfRecordReader r = TfRecordReader.open(in, u.toString(), ReaderOptions.DEFAULT)) {
      for (long i = 0; i < ds.size(); i++) {
        assertThat(ds.get(i).bytes("record")).isEqualTo(r.next());
      }
      assertThat(r.next()).isNull();
    }
    assertThat(new String(ds.get(2).bytes("record"), StandardCharsets.UTF_8)).isEqualTo("success");
  }

  /**
   * A local file's long ranges are read from a memory mapping: the payloads equal the sequential
   * reader's in any order; a payload corrupted on disk after open fails its CRC alone; and a file
   * cut short after open fails the records past the cut, naming the file, offset and where it ends.
   */
  @Test
  void mappedLocalRangesEqualTheSequentialReaderAndReportAFileThatChanged() throws IOException {
    ObjectUri u = synthetic(1, 300, 2000).get(0);
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(List.of(u)).build();
    List<byte[]> expected = new ArrayList<>();
    try (InputStream in = Files.newInputStream(Path.of(u.key()));
        TfRecordReader r = TfRecordReader.open(in, u.toString(), ReaderOptions.DEFAULT)) {
      for (byte[] p = r.next(); p != null; p = r.next()) {
        expected.add(p);
      }
    }
    long[] order = new java.util.Random(3).longs(0, ds.size()).distinct().limit(ds.size()).toArray();
    // one request for the whole file, long enough to be mapped
    assertThat(ds.split(order)).hasSize(1);
    assertThat(MappedRange.applies(stores.storeFor(u), Files.size(Path.of(u.key())))).isTrue();
    SampleException[] errors = new SampleException[order.length];
    Sample[] got = ds.getAll(order, errors, io.s3dlio.loader.FetchContext.NONE);
    for (int i = 0; i < order.length; i++) {
      assertThat(errors[i]).isNull();
      assertThat(got[i].bytes("record")).as("record %d", order[i]).isEqualTo(expected.get((int) order[i]));
    }
    // one payload byte of record 100 changed on disk, and the file cut inside record 200
    long at100 = ds.recordRange(100).offset();
    long at200 = ds.recordRange(200).offset();
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(u.key(), "rw")) {
      f.seek(at100 + 20);
      int b = f.read();
      f.seek(at100 + 20);
      f.write(b ^ 1);
      f.setLength(at200 + 100);
    }
    errors = new SampleException[order.length];
    got = ds.getAll(order, errors, io.s3dlio.loader.FetchContext.NONE);
    for (int i = 0; i < order.length; i++) {
      long k = order[i];
      if (k == 100) {
        assertThat(errors[i]).hasMessageContaining("Cannot read sample 100 from " + u + " at byte " + at100)
            .hasMessageContaining("data CRC mismatch");
      } else if (k >= 200) {
        assertThat(got[i]).isNull();
        assertThat(errors[i]).as("record %d", k)
            .hasMessageContaining("Cannot read sample " + k + " from " + u + " at byte " + ds.recordRange(k).offset())
            .hasMessageContaining("the file ends at byte " + (at200 + 100) + ", " + (k == 200 ? "inside" : "before"));
      } else {
        assertThat(errors[i]).as("record %d", k).isNull();
        assertThat(got[i].bytes("record")).isEqualTo(expected.get((int) k));
      }
    }
  }

  private List<ObjectUri> synthetic(int files, int perFile, int blob) throws IOException {
    List<ObjectUri> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      ObjectUri u = Fixtures.local(dir.resolve("part-" + f + ".tfrecord"));
      Fixtures.putIndexed(stores, u, Fixtures.tfrecord(Fixtures.examples((long) f * perFile, perFile, blob)));
      out.add(u);
    }
    return out;
  }

  /**
   * Through the loader with block shuffle: every record once, values right, and each batch
   * costs one or two range requests (adjacent records coalesced), where a full shuffle costs
   * about one per record (gap 0: only adjacent records merge).
   */
  @Test
  void loaderReadsEveryRecordOnceWithCoalescedRangeRequests() throws IOException {
    synthetic(3, 200, 100);
    TfRecordDataset ds = TfRecordDataset.builder(stores).prefix(Fixtures.local(dir).child(""))
        .features(TfFeature.int64("id"), TfFeature.float32("emb", 2, 2), TfFeature.bytes("blob"))
        .coalesceGap(0).build();
    assertThat(ds.size()).isEqualTo(600);
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(50).shuffle(true)
        .shuffleBlock(50).seed(3).numWorkers(3).build()).build()) {
      Set<Long> ids = new HashSet<>();
      int batches = 0;
      try (BatchIterator it = l.iterator()) {
        while (it.hasNext()) {
          Batch b = it.next();
          batches++;
          long[] id = b.tensor("id").longs();
          float[] emb = b.tensor("emb").floats();
          assertThat(b.tensor("emb").shape()).containsExactly(50, 2, 2);
          for (int i = 0; i < b.size(); i++) {
            assertThat(id[i]).isEqualTo(b.indices()[i]);
            assertThat(emb[4 * i + 1]).isEqualTo(id[i] + 0.5f);
            assertThat(b.bytes("blob")[i]).hasSize(100).containsOnly((byte) id[i]);
            ids.add(id[i]);
          }
        }
      }
      assertThat(ids).hasSize(600);
      long requests = l.metrics().snapshot().requests();
      assertThat(requests).isBetween((long) batches, 2L * batches);
    }
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(50).shuffle(true).seed(3)
        .build()).build()) {
      try (BatchIterator it = l.iterator()) {
        it.forEachRemaining(b -> { });
      }
      assertThat(l.metrics().snapshot().requests()).isGreaterThan(400);
    }
  }

  @Test
  void aFileThatChangedSinceItWasIndexedIsDetected() throws IOException {
    ObjectUri u = Fixtures.local(dir.resolve("a.tfrecord"));
    byte[] ten = new byte[10];
    byte[] twenty = new byte[20];
    Fixtures.putIndexed(stores, u, Fixtures.tfrecord(List.of(ten, twenty, ten)));
    // same records in another order: the same length, other boundaries; open succeeds, reads fail
    Files.write(Path.of(u.key()), Fixtures.tfrecord(List.of(twenty, ten, ten)));
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(List.of(u)).build();
    assertThatThrownBy(() -> ds.get(0)).isInstanceOf(SampleException.class)
        .hasMessageContaining("Cannot read sample 0 from " + u + " at byte 0")
        .hasMessageContaining("Stale DALI index " + u + ".idx for " + u + ": the record at byte 0 is indexed as 26 bytes,"
            + " but its header declares a payload of 20 bytes")
        .cause().isInstanceOf(StaleIndexException.class);
    // the three records are one range request: the stale and the misframed record are skipped
    // (each with its own cause), the third, still where the index says, is read
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(3)
        .errorPolicy(ErrorPolicy.SKIP).build()).build(); BatchIterator it = l.iterator()) {
      assertThat(it.next().indices()).containsExactly(2);
      assertThat(l.metrics().snapshot().requests()).isEqualTo(1);
      assertThat(l.metrics().snapshot().recentSkips()).hasSize(2);
      assertThat(l.metrics().snapshot().recentSkips().get(0)).contains("at byte 0", "Stale DALI index");
      assertThat(l.metrics().snapshot().recentSkips().get(1)).contains("at byte 26", "CRC");
    }
    // a longer file: the index no longer adds up, refused at open
    Files.write(Path.of(u.key()), Fixtures.tfrecord(List.of(twenty, twenty, ten)));
    assertThatThrownBy(() -> TfRecordDataset.builder(stores).files(List.of(u)).build())
        .isInstanceOf(StaleIndexException.class)
        .hasMessageContaining("Stale DALI index " + u + ".idx for " + u)
        .hasMessageContaining("but the file has 98 bytes");
    Files.delete(Path.of(u.key() + ".idx"));
    assertThatThrownBy(() -> TfRecordDataset.builder(stores).files(List.of(u)).build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("no DALI index for " + u + " at " + Fixtures.local(dir.resolve("_index/a.tfrecord.idx"))
            + " or " + u + ".idx (write one with: s3dlio tfrecord-index");
  }

  /**
   * A folder written by the tfrecord Spark source (parts, their indexes in {@code _index/},
   * {@code _SUCCESS} and checksum files): read as a dataset by prefix, every record once. An index
   * in {@code _index/} is used before one beside the file (here a wrong one, which would fail).
   */
  @Test
  void readsAFolderWrittenBySparkWithItsIndexesInTheIndexFolder() throws IOException {
    Path out = dir.resolve("spark-out");
    // Another test class of this JVM may hold a session: use it then, and leave it running.
    boolean own = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = own ? SparkSession.builder().master("local[1]").appName("TestTfRecordDataset")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate()
        : SparkSession.getDefaultSession().get();
    try {
      spark.range(0, 300, 1, 3).selectExpr("id", "cast(id * 2 as bigint) as twice").write().format("tfrecord")
          .save(out.toUri().toString());
    } finally {
      if (own) {
        spark.stop();
      }
    }
    List<Path> parts;
    try (var listing = Files.list(out)) {
      parts = listing.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    assertThat(parts).hasSize(3);
    assertThat(out.resolve("_SUCCESS")).exists();
    for (Path part : parts) {
      assertThat(out.resolve("_index").resolve(part.getFileName() + ".idx")).exists();
    }
    Files.write(Path.of(parts.get(0) + ".idx"), "0 16\n".getBytes(StandardCharsets.US_ASCII));

    TfRecordDataset ds = TfRecordDataset.builder(stores).prefix(Fixtures.local(out).child(""))
        .features(TfFeature.int64("id"), TfFeature.int64("twice")).build();
    assertThat(ds.fileCount()).isEqualTo(3);
    assertThat(ds.size()).isEqualTo(300);
    Set<Long> ids = new HashSet<>();
    for (long i = 0; i < ds.size(); i++) {
      Sample s = ds.get(i);
      long id = s.tensor("id").longs()[0];
      assertThat(s.tensor("twice").longs()[0]).isEqualTo(2 * id);
      ids.add(id);
    }
    assertThat(ids).hasSize(300).allMatch(id -> id >= 0 && id < 300);
  }

  /** Golden corrupt files with DALI's own indexes: the bad record fails naming file, offset and cause. */
  @Test
  void corruptAndTruncatedRecordsFailTheirBatchOrAreSkippedAndCounted() throws IOException {
    ObjectUri bad = goldenWithDaliIndex("derived/example.bad_data_crc.tfrecord", "bad.tfrecord");
    TfRecordDataset ds = TfRecordDataset.builder(stores).files(List.of(bad))
        .features(TfFeature.int64List("x_int")).build();
    assertThat(ds.size()).isEqualTo(4);
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(2).build()).build();
        BatchIterator it = l.iterator()) {
      assertThatThrownBy(it::next).isInstanceOf(LoaderException.class)
          .hasMessageContaining("Cannot read sample 1 from " + bad + " at byte 124")
          .hasMessageContaining("data CRC mismatch")
          .cause().cause().isInstanceOf(TfRecordFormatException.class);
    }
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(2)
        .errorPolicy(ErrorPolicy.SKIP).build()).build()) {
      List<Long> got = new ArrayList<>();
      try (BatchIterator it = l.iterator()) {
        it.forEachRemaining(b -> {
          for (long i : b.indices()) {
            got.add(i);
          }
        });
      }
      assertThat(got).containsExactly(0L, 2L, 3L);
      assertThat(l.metrics().snapshot().skipped()).isEqualTo(1);
      assertThat(l.metrics().snapshot().recentSkips().get(0)).contains(bad + " at byte 124", "data CRC mismatch");
    }
    // DALI indexes a record cut off mid-payload with its short size; the read says what is wrong
    ObjectUri cut = goldenWithDaliIndex("derived/example.truncated_mid_data.tfrecord", "cut.tfrecord");
    TfRecordDataset truncated = TfRecordDataset.builder(stores).files(List.of(cut)).build();
    assertThat(truncated.get(2).bytes("record")).isNotEmpty();
    assertThatThrownBy(() -> truncated.get(3)).isInstanceOf(SampleException.class)
        .hasMessageContaining("Cannot read sample 3 from " + cut + " at byte 389")
        .hasMessageContaining("declared payload length 118")
        .hasMessageContaining("the file ends 63 bytes early");
    // a file truncated after it was indexed is refused at open
    ObjectUri whole = goldenWithDaliIndex("torchdata_tf_writer/example.tfrecord", "whole.tfrecord");
    byte[] b = Files.readAllBytes(Path.of(whole.key()));
    Files.write(Path.of(whole.key()), java.util.Arrays.copyOf(b, b.length - 10));
    assertThatThrownBy(() -> TfRecordDataset.builder(stores).files(List.of(whole)).build())
        .isInstanceOf(StaleIndexException.class)
        .hasMessageContaining("runs past the end of the file (" + (b.length - 10) + " bytes) by 10 bytes");
    // a record deleted after open: its read fails naming the file and offset
    TfRecordDataset gone = TfRecordDataset.builder(stores).files(List.of(bad)).build();
    Files.delete(Path.of(bad.key()));
    assertThatThrownBy(() -> gone.get(2)).isInstanceOf(SampleException.class)
        .hasMessageContaining("Cannot read sample 2 from " + bad + " at byte")
        .cause().isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void streamReadsCompressedFilesWithoutAnIndexAndEqualsTheIndexedRead() throws IOException {
    ObjectUri plain = goldenWithDaliIndex("ydf_toy/toy.nocompress-tfe-tfrecord-00000-of-00002", "plain");
    Path gz = dir.resolve("gz.tfrecord");
    Files.copy(Fixtures.golden("tfrecord/ydf_toy/toy.tfe-tfrecord-00000-of-00002"), gz);
    TfFeature[] f = {TfFeature.int64List("Bool_1"), TfFeature.bytes("Cat_1")};
    TfRecordDataset indexed = TfRecordDataset.builder(stores).files(List.of(plain)).features(f).build();
    TfRecordStream stream = TfRecordStream.of(stores, List.of(Fixtures.local(gz)), f);
    try (DataLoader l = DataLoader.builder(stream).options(LoaderOptions.builder().batchSize(2).build()).build();
        BatchIterator it = l.iterator()) {
      long i = 0;
      while (it.hasNext()) {
        Batch b = it.next();
        for (int r = 0; r < b.size(); r++, i++) {
          Sample s = indexed.get(i);
          assertThat(b.bytes("Cat_1")[r]).isEqualTo(s.bytes("Cat_1"));
          assertThat(b.ragged("Bool_1").length(r)).isEqualTo(s.tensor("Bool_1").count());
        }
      }
      assertThat(i).isEqualTo(3);
    }
  }
}
