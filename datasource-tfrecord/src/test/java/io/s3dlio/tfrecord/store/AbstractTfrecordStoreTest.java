package io.s3dlio.tfrecord.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.s3dlio.cli.S3dlioCli;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.MiniJson;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.codec.TfRecordWriter;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.index.IndexOptions;
import io.s3dlio.tfrecord.index.IndexResult;
import io.s3dlio.tfrecord.index.ScanMode;
import io.s3dlio.tfrecord.keys.DuplicatePolicy;
import io.s3dlio.tfrecord.keys.KeyIndex;
import io.s3dlio.tfrecord.keys.KeyType;
import io.s3dlio.tfrecord.proto.BytesList;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.Features;
import io.s3dlio.tfrecord.proto.FloatList;
import io.s3dlio.tfrecord.proto.Int64List;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TFRecord writing, reading, DALI indexing, key lookup and the CLI through the object-store API.
 * Subclasses give the backend: {@link #config()} and {@link #testRoot()}.
 */
public abstract class AbstractTfrecordStoreTest {
  protected StoreRegistry stores;
  protected String root;

  /** Store settings for the backend under test. */
  protected abstract StoreConfig config() throws IOException;

  /** A URI prefix (ending in '/') where the test may write. */
  protected abstract String testRoot() throws IOException;

  @BeforeEach
  void setUpStore() throws IOException {
    stores = new StoreRegistry(config());
    root = testRoot() + "tfr-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void closeStore() throws IOException {
    stores.close();
  }

  protected ObjectUri uri(String rel) {
    return ObjectUri.parse(root + rel);
  }

  protected ObjectStore store() throws IOException {
    return stores.storeFor(ObjectUri.parse(root));
  }

  protected void upload(String golden, String rel) throws IOException {
    store().put(uri(rel), Files.readAllBytes(Golden.file(golden)));
  }

  static Feature bytes(String s) {
    return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(ByteString.copyFromUtf8(s))).build();
  }

  static Feature int64(long... v) {
    Int64List.Builder b = Int64List.newBuilder();
    for (long x : v) {
      b.addValue(x);
    }
    return Feature.newBuilder().setInt64List(b).build();
  }

  static Feature float32(float v) {
    return Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(v)).build();
  }

  static Example example(String id, long n, int bodyBytes) {
    return Example.newBuilder().setFeatures(Features.newBuilder()
        .putFeature("id", bytes(id))
        .putFeature("n", int64(n))
        .putFeature("score", float32(n / 4f))
        .putFeature("body", Feature.newBuilder().setBytesList(BytesList.newBuilder()
            .addValue(ByteString.copyFrom(new byte[bodyBytes]))).build())).build();
  }

  /** Writes examples id-(from..to-1) to rel with compression c. */
  protected List<byte[]> writeShard(String rel, Compression c, int from, int to) throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    try (ObjectWriter ow = store().openWriter(uri(rel)); TfRecordWriter w = new TfRecordWriter(ow, c)) {
      for (int i = from; i < to; i++) {
        byte[] p = example("id-" + i, i, (i * 37) % 3000).toByteArray();
        w.write(p);
        payloads.add(p);
      }
    }
    return payloads;
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void writerReaderIndexRoundTrip(Compression c) throws IOException {
    List<byte[]> payloads = writeShard("rt.tfrecord", c, 0, 500);
    try (TfRecordReader r = TfRecordReader.open(store().openRange(uri("rt.tfrecord"), 0, -1), root, ReaderOptions.DEFAULT)) {
      assertThat(r.compression()).isEqualTo(c);
      for (byte[] p : payloads) {
        assertThat(r.next()).isEqualTo(p);
      }
      assertThat(r.next()).isNull();
    }
    DaliIndexer indexer = new DaliIndexer(stores);
    if (c != Compression.NONE) {
      assertThatThrownBy(() -> indexer.index(uri("rt.tfrecord"), null, IndexOptions.DEFAULT))
          .hasMessageStartingWith("Cannot index " + uri("rt.tfrecord") + ": it is " + c + "-compressed");
      IndexResult r = indexer.index(uri("rt.tfrecord"), null, IndexOptions.DEFAULT.withDecompressed(true));
      assertThat(r.records()).isEqualTo(500);
      return;
    }
    String first = null;
    for (ScanMode mode : ScanMode.values()) {
      if (mode == ScanMode.SEEK && !uri("x").scheme().isLocal()) {
        continue;
      }
      IndexResult r = indexer.index(uri("rt.tfrecord"), uri("rt-" + mode + ".idx"), IndexOptions.DEFAULT.withScanMode(mode));
      assertThat(r.records()).isEqualTo(500);
      String text = new String(store().get(uri("rt-" + mode + ".idx")), StandardCharsets.US_ASCII);
      first = first == null ? text : first;
      assertThat(text).isEqualTo(first);
      assertThat(indexer.validate(uri("rt.tfrecord"), uri("rt-" + mode + ".idx"))).isEqualTo(500);
    }
    // each line's record reads back with a ranged GET
    String[] lines = first.split("\n");
    for (int i = 0; i < lines.length; i += 97) {
      String[] f = lines[i].split(" ");
      byte[] rec = store().getRange(uri("rt.tfrecord"), Long.parseLong(f[0]), Integer.parseInt(f[1]));
      assertThat(java.util.Arrays.copyOfRange(rec, 12, rec.length - 4)).isEqualTo(payloads.get(i));
    }
  }

  @Test
  void goldenFilesIndexOnTheStoreLikeDali() throws IOException {
    DaliIndexer indexer = new DaliIndexer(stores);
    for (Golden.TfFile f : Golden.goodTfrecordFiles()) {
      if (!f.compression().equals("NONE") || f.local().toFile().length() > 1_000_000) {
        continue;
      }
      upload(f.path(), f.indexStem());
      indexer.index(uri(f.indexStem()), null, IndexOptions.DEFAULT);
      assertThat(store().get(uri(f.indexStem() + ".idx"))).as(f.path())
          .isEqualTo(Files.readAllBytes(Golden.file("dali/generated/" + f.indexStem() + ".idx")));
    }
  }

  @Test
  void truncatedFileOnTheStoreIsAnErrorAndLeavesNoIndex() throws IOException {
    upload("tfrecord/derived/example.truncated_mid_data.tfrecord", "cut.tfrecord");
    DaliIndexer indexer = new DaliIndexer(stores);
    for (ScanMode mode : List.of(ScanMode.STREAM, ScanMode.RANGED)) {
      assertThatThrownBy(() -> indexer.index(uri("cut.tfrecord"), null, IndexOptions.DEFAULT.withScanMode(mode)))
          .isInstanceOf(TfRecordFormatException.class)
          .hasMessageStartingWith("Bad TFRecord " + uri("cut.tfrecord") + " at byte 389: truncated record");
      assertThatThrownBy(() -> store().stat(uri("cut.tfrecord.idx"))).isInstanceOf(FileNotFoundException.class);
    }
  }

  @Test
  void keyLookupOverAPrefix() throws IOException {
    writeShard("keys/a.tfrecord", Compression.NONE, 0, 300);
    writeShard("keys/b.tfrecord", Compression.NONE, 300, 600);
    writeShard("keys/c.tfrecord", Compression.NONE, 590, 700); // 10 duplicates of b
    List<long[]> progress = new ArrayList<>();
    KeyIndex idx = KeyIndex.openOrBuild(stores, List.of(root + "keys/"), "id", null,
        KeyIndex.BuildOptions.DEFAULT.withProgress((d, n, r, b) -> progress.add(new long[] {d, n, r})));
    assertThat(idx.wasBuilt()).isTrue();
    assertThat(idx.location()).isEqualTo(uri("keys/id.keyidx"));
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1)).containsExactly(3, 3, 710);
    assertThat(idx.size()).isEqualTo(700);
    assertThat(idx.keyType()).isEqualTo(KeyType.BYTES);
    assertThat(idx.stats().duplicates()).isEqualTo(10);
    assertThat(idx.stats().files()).extracting(f -> f.records()).containsExactly(300L, 300L, 110L);
    assertThat(idx.stats().files()).extracting(f -> f.duplicates()).containsExactly(0L, 0L, 10L);

    Object k = idx.parseKey("id-595");
    assertThat(idx.contains(k)).isTrue();
    assertThat(idx.file(idx.locate(k))).isEqualTo(uri("keys/b.tfrecord")); // first wins
    Example e = idx.get(k);
    assertThat(e).isEqualTo(example("id-595", 595, (595 * 37) % 3000));
    assertThat(idx.getRaw(k)).isEqualTo(e.toByteArray());
    assertThat(idx.getFeature(k, "n").getInt64List().getValue(0)).isEqualTo(595);
    assertThat(idx.get(idx.parseKey("nope"))).isNull();
    assertThat(idx.keys()).hasSize(700).contains(ByteString.copyFromUtf8("id-0"));

    // persisted and reused while the files are unchanged
    KeyIndex again = KeyIndex.openOrBuild(stores, List.of(root + "keys/"), "id", null, KeyIndex.BuildOptions.DEFAULT);
    assertThat(again.wasBuilt()).isFalse();
    assertThat(again.get(k)).isEqualTo(e);
    assertThat(KeyIndex.openOrBuild(stores, List.of(root + "keys/"), "id", null,
        KeyIndex.BuildOptions.DEFAULT.withRebuild(true)).wasBuilt()).isTrue();

    // a changed file makes it stale: lookups say so, openOrBuild rebuilds
    writeShard("keys/b.tfrecord", Compression.NONE, 1300, 1600);
    assertThat(again.isFresh()).isFalse();
    assertThatThrownBy(() -> again.get(k)).hasMessageContaining("of " + uri("keys/b.tfrecord") + " through key index "
        + uri("keys/id.keyidx") + " (rebuild it if the file changed)");
    KeyIndex rebuilt = KeyIndex.openOrBuild(stores, List.of(root + "keys/"), "id", null, KeyIndex.BuildOptions.DEFAULT);
    assertThat(rebuilt.wasBuilt()).isTrue();
    assertThat(rebuilt.get(rebuilt.parseKey("id-1400"))).isEqualTo(example("id-1400", 1400, (1400 * 37) % 3000));
  }

  @Test
  void intAndFloatKeysAndPolicies() throws IOException {
    writeShard("k/a.tfrecord", Compression.NONE, 0, 50);
    writeShard("k/b.tfrecord", Compression.NONE, 40, 60);
    KeyIndex byInt = KeyIndex.openOrBuild(stores, List.of(root + "k/*.tfrecord"), "n", uri("n.keyidx"),
        KeyIndex.BuildOptions.DEFAULT);
    assertThat(byInt.keyType()).isEqualTo(KeyType.INT64);
    assertThat(byInt.get(byInt.parseKey("45")).getFeatures().getFeatureMap().get("id")).isEqualTo(bytes("id-45"));
    KeyIndex byFloat = KeyIndex.openOrBuild(stores, List.of(root + "k/a.tfrecord"), "score", null,
        KeyIndex.BuildOptions.DEFAULT);
    assertThat(byFloat.location()).isEqualTo(uri("k/a.tfrecord.score.keyidx"));
    assertThat(byFloat.getFeature(byFloat.parseKey("2.25"), "n")).isEqualTo(int64(9));

    assertThatThrownBy(() -> KeyIndex.openOrBuild(stores, List.of(root + "k/"), "n", uri("e.keyidx"),
        KeyIndex.BuildOptions.DEFAULT.withDuplicates(DuplicatePolicy.ERROR)))
        .hasMessage("Cannot index key 'n': duplicate key '40' in the record at byte 0 of " + uri("k/b.tfrecord")
            + ", first seen at byte " + byInt.locate(40L).offset() + " of " + uri("k/a.tfrecord"));
    assertThatThrownBy(() -> store().stat(uri("e.keyidx"))).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> KeyIndex.openOrBuild(stores, List.of(root + "k/a.tfrecord"), "nope", uri("x.keyidx"),
        KeyIndex.BuildOptions.DEFAULT))
        .hasMessage("Cannot index key 'nope': the record at byte 0 of " + uri("k/a.tfrecord") + " has no such feature");
    assertThatThrownBy(() -> KeyIndex.openOrBuild(stores, List.of(root + "k/a.tfrecord"), "n", uri("x.keyidx"),
        KeyIndex.BuildOptions.DEFAULT.withType(KeyType.BYTES)))
        .hasMessage("Cannot index key 'n': the record at byte 0 of " + uri("k/a.tfrecord") + " has it as int64, not bytes");
    writeShard("gz/a.tfrecord.gz", Compression.GZIP, 0, 5);
    assertThatThrownBy(() -> KeyIndex.openOrBuild(stores, List.of(root + "gz/"), "id", null, KeyIndex.BuildOptions.DEFAULT))
        .hasMessageStartingWith("Cannot build a key index over " + uri("gz/a.tfrecord.gz") + ": it is GZIP-compressed");
    store().put(uri("bad.keyidx"), "not an index".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> KeyIndex.open(stores, uri("bad.keyidx")))
        .hasMessage("Bad key index " + uri("bad.keyidx") + ": not a key-index file (no S3DLKEY1 magic)");
  }

  protected record Result(int code, String out, String err) {
  }

  protected Result cli(String... args) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = S3dlioCli.run(args, config(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void cliIndexesManyFilesAtOnceAndPrintsThemInInputOrder() throws IOException {
    for (int i = 0; i < 7; i++) {
      upload("tfrecord/torchdata_tf_writer/example.tfrecord", "many/f" + i + ".tfrecord");
    }
    upload("tfrecord/derived/example.truncated_mid_data.tfrecord", "many/f3b.tfrecord");
    Result r = cli("tfrecord-index", "-j", "3", root + "many/");
    assertThat(r.code()).as("one input is truncated").isEqualTo(1);
    assertThat(r.err().trim()).startsWith("s3dlio tfrecord-index: Bad TFRecord " + uri("many/f3b.tfrecord"))
        .doesNotContain("\n");
    List<String> expected = new java.util.ArrayList<>();
    for (String name : List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6")) {
      expected.add(uri("many/" + name + ".tfrecord") + "\t4 records\t-> " + uri("many/" + name + ".tfrecord.idx"));
    }
    expected.add("28 records in 7 of 8 files");
    assertThat(r.out().lines().toList()).containsExactlyElementsOf(expected);
    byte[] golden = Files.readAllBytes(Golden.file("dali/generated/torchdata_tf_writer__example.tfrecord.idx"));
    for (int i = 0; i < 7; i++) {
      assertThat(store().get(uri("many/f" + i + ".tfrecord.idx"))).isEqualTo(golden);
    }
    Result zero = cli("tfrecord-index", "-j", "0", root + "many/");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err()).contains("bad --jobs 0");
  }

  @Test
  void cliIndexCatAndKeys() throws IOException {
    upload("tfrecord/torchdata_tf_writer/example.tfrecord", "d/example.tfrecord");
    upload("tfrecord/t2t_translate_ende_wmt32k/translate_ende_wmt32k-dev-00000-of-00001", "d/dev-00000");
    upload("tfrecord/derived/example.truncated_mid_data.tfrecord", "bad/cut.tfrecord");
    upload("tfrecord/ydf_toy/toy.tfe-tfrecord-00000-of-00002", "gz/toy");

    Result idx = cli("tfrecord-index", root + "d/");
    assertThat(idx.code()).as(idx.err()).isZero();
    assertThat(idx.out()).contains(uri("d/dev-00000") + "\t10 records\t-> " + uri("d/dev-00000.idx"))
        .contains(uri("d/example.tfrecord") + "\t4 records\t-> " + uri("d/example.tfrecord.idx"))
        .contains("14 records in 2 of 2 files");
    assertThat(store().get(uri("d/example.tfrecord.idx")))
        .isEqualTo(Files.readAllBytes(Golden.file("dali/generated/torchdata_tf_writer__example.tfrecord.idx")));
    Result again = cli("tfrecord-index", root + "d/*.tfrecord");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(uri("d/example.tfrecord.idx").toString()).contains("--force");
    assertThat(cli("tfrecord-index", root + "d/*.tfrecord", "--force").code()).isZero();
    assertThat(cli("tfrecord-index", root + "d/", "--validate").code()).isZero();
    Result two = cli("tfrecord-index", root + "d/", "-o", root + "x.idx");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("-o needs a single input file, but the inputs name 2");
    assertThat(cli("tfrecord-index", root + "d/example.tfrecord", "-o", root + "one.idx").code()).isZero();

    Result bad = cli("tfrecord-index", root + "bad/cut.tfrecord");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err().trim()).isEqualTo("s3dlio tfrecord-index: Bad TFRecord " + uri("bad/cut.tfrecord")
        + " at byte 389: truncated record: declared payload length 118 needs 134 bytes with framing, but the file"
        + " ends 63 bytes early");
    Result gz = cli("tfrecord-index", root + "gz/toy");
    assertThat(gz.code()).isEqualTo(1);
    assertThat(gz.err()).contains("it is GZIP-compressed");
    assertThat(cli("tfrecord-index", root + "gz/toy", "--decompressed").code()).isZero();
    Result missing = cli("tfrecord-index", root + "nothing-here");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains(root + "nothing-here");

    Result cat = cli("tfrecord-cat", root + "d/example.tfrecord", "--limit", "2");
    assertThat(cat.code()).as(cat.err()).isZero();
    List<String> lines = cat.out().lines().toList();
    assertThat(lines).hasSize(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> second = (Map<String, Object>) MiniJson.parse(lines.get(1));
    assertThat(second.get("offset")).isEqualTo(124L);
    assertThat(lines.get(0)).startsWith("{\"offset\":0,\"type\":\"tf.train.Example\",\"features\":{\"x_byte\":"
        + "{\"kind\":\"bytes_list\",\"values\":[\"test str\"]}");
    Result catGz = cli("tfrecord-cat", root + "gz/toy");
    assertThat(catGz.out().lines().count()).isEqualTo(3);
    Result catBad = cli("tfrecord-cat", root + "bad/cut.tfrecord");
    assertThat(catBad.code()).isEqualTo(1);
    assertThat(catBad.out().lines().count()).isEqualTo(3);
    assertThat(catBad.err()).contains("at byte 389: truncated record");
    upload("tfrecord/magenta_raw/tfrecord_iterator_test.tfrecord", "raw/r.tfrecord");
    assertThat(cli("tfrecord-cat", root + "raw/r.tfrecord", "-n", "1").out().trim())
        .isEqualTo("{\"offset\":0,\"type\":\"raw\",\"bytes\":\"hello world\"}");

    writeShard("k/a.tfrecord", Compression.NONE, 0, 20);
    Result build = cli("tfrecord-keys", "build", root + "k/a.tfrecord", "--key", "id", "--index", root + "k.keyidx");
    assertThat(build.code()).as(build.err()).isZero();
    assertThat(build.out()).startsWith("built " + uri("k.keyidx")).contains("keys:       20");
    assertThat(build.err()).contains("keys: 1/1 files, 20 records");
    assertThat(cli("tfrecord-keys", "build", root + "k/a.tfrecord", "--key", "id", "--index", root + "k.keyidx").out())
        .startsWith("reused ");
    Result get = cli("tfrecord-keys", "get", "id-7", "--index", root + "k.keyidx");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.out()).contains("\"n\":{\"kind\":\"int64_list\",\"values\":[7]}");
    assertThat(cli("tfrecord-keys", "get", "id-7", "--index", root + "k.keyidx", "--feature", "n").out().trim())
        .isEqualTo("{\"kind\":\"int64_list\",\"values\":[7]}");
    Result none = cli("tfrecord-keys", "get", "id-77", "--index", root + "k.keyidx");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err().trim()).isEqualTo("s3dlio get: Key 'id-77' is not in key index " + uri("k.keyidx"));
    Result stats = cli("tfrecord-keys", "stats", "--index", root + "k.keyidx");
    assertThat(stats.code()).isZero();
    assertThat(stats.out()).contains("feature:    id (bytes)").contains("duplicates: 0")
        .contains("20 records\t0 duplicates\t" + uri("k/a.tfrecord")).contains("fresh:      yes");
  }
}
