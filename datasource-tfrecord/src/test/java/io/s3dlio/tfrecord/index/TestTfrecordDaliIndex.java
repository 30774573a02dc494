package io.s3dlio.tfrecord.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.Golden;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TestTfrecordDaliIndex {
  @TempDir
  Path tmp;
  StoreRegistry stores;
  DaliIndexer indexer;

  @BeforeEach
  void setUp() {
    stores = new StoreRegistry(StoreConfig.EMPTY);
    indexer = new DaliIndexer(stores);
  }

  @AfterEach
  void tearDown() throws IOException {
    stores.close();
  }

  static Stream<Golden.TfFile> uncompressed() {
    return Golden.goodTfrecordFiles().stream().filter(f -> f.compression().equals("NONE"));
  }

  static Stream<Golden.TfFile> compressed() {
    return Golden.goodTfrecordFiles().stream().filter(f -> !f.compression().equals("NONE"));
  }

  static byte[] goldenIndex(String name) throws IOException {
    return Files.readAllBytes(Golden.file("dali/generated/" + name));
  }

  static ObjectUri uri(Path p) {
    return ObjectUri.local(ObjectUri.Scheme.FILE, p.toAbsolutePath().toString());
  }

  static byte[] scanToBytes(HeaderScanner s) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    s.scan(DaliIndexFormat.writer(bos));
    return bos.toByteArray();
  }

  @Test
  void thereAreGoldenFilesOfBothKinds() {
    assertThat(uncompressed().count()).isGreaterThanOrEqualTo(15);
    assertThat(compressed().count()).isGreaterThanOrEqualTo(20);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("uncompressed")
  void indexIsByteIdenticalToDaliForEveryScanMode(Golden.TfFile f) throws IOException {
    byte[] expected = goldenIndex(f.indexStem() + ".idx");
    for (ScanMode mode : List.of(ScanMode.AUTO, ScanMode.SEEK, ScanMode.STREAM, ScanMode.RANGED)) {
      Path out = tmp.resolve(mode + ".idx");
      IndexResult r = indexer.index(uri(f.local()), uri(out), IndexOptions.DEFAULT.withScanMode(mode));
      assertThat(Files.readAllBytes(out)).as(mode.toString()).isEqualTo(expected);
      assertThat(r.records()).isEqualTo(f.records());
      assertThat(r.bytes()).isEqualTo(Files.size(f.local()));
    }
    try (InputStream in = Files.newInputStream(f.local())) {
      // a stream that cannot skip: payloads are read and dropped
      InputStream noSkip = new java.io.FilterInputStream(in) {
        @Override
        public long skip(long n) {
          return 0;
        }
      };
      assertThat(scanToBytes(new StreamHeaderScanner(noSkip, f.path(), true, -1, false))).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("uncompressed")
  void goldenIndexValidatesAgainstItsFile(Golden.TfFile f) throws IOException {
    ObjectUri idx = uri(Golden.file("dali/generated/" + f.indexStem() + ".idx"));
    assertThat(indexer.validate(uri(f.local()), idx)).isEqualTo(f.records());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compressed")
  void compressedFilesAreRefusedByDefault(Golden.TfFile f) {
    Path out = tmp.resolve("x.idx");
    assertThatThrownBy(() -> indexer.index(uri(f.local()), uri(out), IndexOptions.DEFAULT))
        .hasMessageStartingWith("Cannot index " + uri(f.local()) + ": it is " + f.compression()
            + "-compressed, and DALI reads index offsets as positions in the raw file");
    assertThat(out).doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compressed")
  void decompressedStreamIndexEqualsGolden(Golden.TfFile f) throws IOException {
    Path out = tmp.resolve("x.idx");
    IndexResult r = indexer.index(uri(f.local()), uri(out), IndexOptions.DEFAULT.withDecompressed(true));
    assertThat(Files.readAllBytes(out)).isEqualTo(goldenIndex(f.indexStem() + ".decompressed.idx"));
    assertThat(r.records()).isEqualTo(f.records());
  }

  @Test
  void derivedCompressedFilesIndexLikeGolden() throws IOException {
    for (String name : List.of("empty.tfrecord.gz", "example.tfrecord.zlib")) {
      Path out = tmp.resolve(name + ".idx");
      indexer.index(uri(Golden.file("tfrecord/derived/" + name)), uri(out), IndexOptions.DEFAULT.withDecompressed(true));
      assertThat(Files.readAllBytes(out)).as(name).isEqualTo(goldenIndex("derived__" + name + ".decompressed.idx"));
    }
  }

  @Test
  void emptyFileGivesEmptyIndex() throws IOException {
    Path out = tmp.resolve("e.idx");
    indexer.index(uri(Golden.file("tfrecord/derived/empty.tfrecord")), uri(out), IndexOptions.DEFAULT);
    assertThat(Files.readAllBytes(out)).isEqualTo(goldenIndex("derived__empty.tfrecord.idx")).isEmpty();
  }

  @Test
  void badDataCrcIsIndexedLikeDali() throws IOException {
    Path out = tmp.resolve("b.idx");
    indexer.index(uri(Golden.file("tfrecord/derived/example.bad_data_crc.tfrecord")), uri(out), IndexOptions.DEFAULT);
    assertThat(Files.readAllBytes(out)).isEqualTo(goldenIndex("derived__example.bad_data_crc.tfrecord.idx"));
  }

  @Test
  void badLengthCrcIsAnErrorUnlessCheckingIsOff() throws IOException {
    Path data = Golden.file("tfrecord/derived/example.bad_length_crc.tfrecord");
    Path out = tmp.resolve("b.idx");
    for (ScanMode mode : List.of(ScanMode.SEEK, ScanMode.STREAM, ScanMode.RANGED)) {
      assertThatThrownBy(() -> indexer.index(uri(data), uri(out), IndexOptions.DEFAULT.withScanMode(mode)))
          .isInstanceOf(TfRecordFormatException.class)
          .hasMessageStartingWith("Bad TFRecord " + uri(data) + " at byte 255: length CRC mismatch");
      assertThat(out).doesNotExist();
    }
    indexer.index(uri(data), uri(out), IndexOptions.DEFAULT.withVerifyLengthCrc(false));
    assertThat(Files.readAllBytes(out)).isEqualTo(goldenIndex("derived__example.bad_length_crc.tfrecord.idx"));
  }

  @Test
  void truncatedPayloadIsAnErrorAndLeavesNoIndex() {
    Path data = Golden.file("tfrecord/derived/example.truncated_mid_data.tfrecord");
    Path out = tmp.resolve("t.idx");
    for (ScanMode mode : List.of(ScanMode.SEEK, ScanMode.STREAM, ScanMode.RANGED)) {
      assertThatThrownBy(() -> indexer.index(uri(data), uri(out), IndexOptions.DEFAULT.withScanMode(mode)))
          .isInstanceOf(TfRecordFormatException.class)
          .hasMessage("Bad TFRecord " + uri(data) + " at byte 389: truncated record: declared payload length 118"
              + " needs 134 bytes with framing, but the file ends 63 bytes early");
      assertThat(out).doesNotExist();
    }
  }

  @Test
  void truncatedHeaderIsAnErrorAndLeavesNoIndex() throws IOException {
    Path data = Golden.file("tfrecord/derived/example.truncated_mid_length.tfrecord");
    Path out = tmp.resolve("t.idx");
    for (ScanMode mode : List.of(ScanMode.SEEK, ScanMode.STREAM, ScanMode.RANGED)) {
      assertThatThrownBy(() -> indexer.index(uri(data), uri(out), IndexOptions.DEFAULT.withScanMode(mode)))
          .isInstanceOf(TfRecordFormatException.class)
          .hasMessage("Bad TFRecord " + uri(data) + " at byte 389: truncated header: the file ends 5 bytes into"
              + " the 12-byte record header");
      assertThat(out).doesNotExist();
    }
    try (InputStream in = Files.newInputStream(data)) {
      assertThatThrownBy(() -> scanToBytes(new StreamHeaderScanner(in, "s", true, -1, false)))
          .hasMessage("Bad TFRecord s at byte 389: truncated header: the file ends 5 bytes into the 12-byte record"
              + " header");
    }
  }

  @Test
  void existingIndexIsKeptUnlessOverwriting() throws IOException {
    Path data = Golden.file("tfrecord/torchdata_tf_writer/example.tfrecord");
    Path out = Files.writeString(tmp.resolve("old.idx"), "old");
    assertThatThrownBy(() -> indexer.index(uri(data), uri(out), IndexOptions.DEFAULT))
        .hasMessageContaining(uri(out).toString()).hasMessageContaining("index exists (use --force to replace it)");
    assertThat(Files.readString(out)).isEqualTo("old");
    indexer.index(uri(data), uri(out), IndexOptions.DEFAULT.withOverwrite(true));
    assertThat(Files.readAllBytes(out)).isEqualTo(goldenIndex("torchdata_tf_writer__example.tfrecord.idx"));
  }

  @Test
  void defaultIndexPathIsBesideTheData() throws IOException {
    Path data = Files.copy(Golden.file("tfrecord/torchdata_tf_writer/example.tfrecord"), tmp.resolve("ex.tfrecord"));
    IndexResult r = indexer.index(uri(data), null, IndexOptions.DEFAULT);
    assertThat(r.index()).isEqualTo(uri(tmp.resolve("ex.tfrecord.idx")));
    assertThat(Files.readAllBytes(tmp.resolve("ex.tfrecord.idx")))
        .isEqualTo(goldenIndex("torchdata_tf_writer__example.tfrecord.idx"));
  }

  @Test
  void staleIndexesAreDetected() throws IOException {
    Path golden = Golden.file("tfrecord/torchdata_tf_writer/example.tfrecord");
    ObjectUri idx = uri(Golden.file("dali/generated/torchdata_tf_writer__example.tfrecord.idx"));
    byte[] all = Files.readAllBytes(golden);

    Path grown = tmp.resolve("grown.tfrecord");
    Files.write(grown, all);
    Files.write(grown, java.util.Arrays.copyOf(all, 124), StandardOpenOption.APPEND);
    assertThatThrownBy(() -> indexer.validate(uri(grown), idx))
        .isInstanceOf(StaleIndexException.class)
        .hasMessage("Stale DALI index " + idx + " for " + uri(grown) + ": the 4 records add up to 523 bytes but the"
            + " file has 647 bytes");

    Path shrunk = Files.write(tmp.resolve("shrunk.tfrecord"), java.util.Arrays.copyOf(all, 460));
    assertThatThrownBy(() -> indexer.validate(uri(shrunk), idx))
        .isInstanceOf(StaleIndexException.class)
        .hasMessage("Stale DALI index " + idx + " for " + uri(shrunk) + ": entry 4 (record at byte 389, 134 bytes)"
            + " runs past the end of the file (460 bytes) by 63 bytes");

    // same length, other record sizes: caught by reading the first and last headers
    Path other = tmp.resolve("other.tfrecord");
    try (var w = new io.s3dlio.tfrecord.codec.TfRecordWriter(Files.newOutputStream(other),
        io.s3dlio.tfrecord.codec.Compression.NONE)) {
      w.write(new byte[523 - 16 * 4 - 100]);
      w.write(new byte[50]);
      w.write(new byte[25]);
      w.write(new byte[25]);
    }
    assertThat(Files.size(other)).isEqualTo(523);
    assertThatThrownBy(() -> indexer.validate(uri(other), idx))
        .isInstanceOf(StaleIndexException.class)
        .hasMessageContaining("the record at byte 0 is 375 bytes but the index says 124");
  }

  @Test
  void badIndexLinesNameTheLine() {
    byte[] bad = "0 124\n124 x\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> DaliIndexFormat.read(new ByteArrayInputStream(bad), "a.idx", (o, s) -> { }))
        .hasMessageStartingWith("Bad DALI index a.idx line 2: '124 x'");
  }

  /** The real DALI_extra indexes: their TFRecords are LFS pointers, so check them against the sizes. */
  @Test
  void realDaliIndexesAreConsistentWithTheirFileSizes() throws IOException {
    record Case(String idx, String pointer, long entries, long size) {
    }
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("DALI_extra_db_coco_dummy_small_coco_index.idx",
        "DALI_extra_db_coco_dummy_small_coco.tfrecord.LFS-POINTER.txt", 64, -1));
    cases.add(new Case("DALI_extra_db_tfrecord_train.idx", "DALI_extra_db_tfrecord_train.LFS-POINTER.txt", 47, -1));
    cases.add(new Case("DALI_extra_db_tfrecord_train.idx.v2018", null, 43, 4534239));
    for (Case c : cases) {
      long size = c.size();
      if (c.pointer() != null) {
        Matcher m = Pattern.compile("(?m)^size (\\d+)$").matcher(Files.readString(Golden.file("dali/" + c.pointer())));
        assertThat(m.find()).isTrue();
        size = Long.parseLong(m.group(1));
      }
      DaliIndexValidator v = new DaliIndexValidator(c.idx(), "lfs", size);
      try (InputStream in = Files.newInputStream(Golden.file("dali/" + c.idx()))) {
        assertThat(DaliIndexFormat.read(in, c.idx(), v)).isEqualTo(c.entries());
      }
      v.finish();
      // and our writer reproduces the file byte for byte from the parsed entries
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (InputStream in = Files.newInputStream(Golden.file("dali/" + c.idx()))) {
        DaliIndexFormat.read(in, c.idx(), DaliIndexFormat.writer(bos));
      }
      assertThat(bos.toByteArray()).isEqualTo(Files.readAllBytes(Golden.file("dali/" + c.idx())));
    }
  }

  @Test
  void seekScannerReadsOnlyHeadersOfLargeRecords() throws IOException {
    Path big = tmp.resolve("big.tfrecord");
    try (var w = new io.s3dlio.tfrecord.codec.TfRecordWriter(Files.newOutputStream(big),
        io.s3dlio.tfrecord.codec.Compression.NONE)) {
      for (int i = 0; i < 50; i++) {
        w.write(new byte[100_000]);
      }
    }
    long[] bytesRead = {0};
    try (FileChannel ch = FileChannel.open(big)) {
      FileChannel counting = new CountingChannel(ch, bytesRead);
      List<long[]> entries = new ArrayList<>();
      new ChannelHeaderScanner(counting, "big", true).scan((o, s) -> entries.add(new long[] {o, s}));
      assertThat(entries).hasSize(50);
    }
    // first window is large, then one page per record
    assertThat(bytesRead[0]).isLessThan(ChannelHeaderScanner.LARGE_WINDOW + 50L * ChannelHeaderScanner.SMALL_WINDOW);
  }
}
