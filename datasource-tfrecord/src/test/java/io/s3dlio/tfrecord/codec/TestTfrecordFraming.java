package io.s3dlio.tfrecord.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.tfrecord.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TestTfrecordFraming {

  static Stream<Golden.TfFile> goodFiles() {
    return Golden.goodTfrecordFiles().stream();
  }

  static List<byte[]> readAll(Path p, ReaderOptions o) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(p), p.toString(), o)) {
      for (byte[] b = r.next(); b != null; b = r.next()) {
        out.add(b);
      }
    }
    return out;
  }

  @Test
  void manifestListsTheGoldenFiles() {
    assertThat(Golden.goodTfrecordFiles()).hasSizeGreaterThanOrEqualTo(35);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void everyGoldenFileHasItsRecordCountAndCompression(Golden.TfFile f) throws IOException {
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(f.local()), f.path(), ReaderOptions.DEFAULT)) {
      long n = 0;
      while (r.next() != null) {
        n++;
      }
      assertThat(n).isEqualTo(f.records());
      assertThat(r.compression().name()).isEqualTo(f.compression());
      assertThat(r.corruptRecords()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void rewritingEveryGoldenFileGivesTheSamePayloads(Golden.TfFile f) throws IOException {
    List<byte[]> payloads = readAll(f.local(), ReaderOptions.DEFAULT);
    Compression c = Compression.valueOf(f.compression());
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TfRecordWriter w = new TfRecordWriter(bos, c)) {
      for (byte[] p : payloads) {
        w.write(p);
      }
    }
    if (c == Compression.NONE) {
      assertThat(bos.toByteArray()).isEqualTo(Files.readAllBytes(f.local()));
    }
    try (TfRecordReader r = TfRecordReader.open(new ByteArrayInputStream(bos.toByteArray()), "mem", ReaderOptions.DEFAULT)) {
      assertThat(r.compression()).isEqualTo(c);
      for (byte[] p : payloads) {
        assertThat(r.next()).isEqualTo(p);
      }
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void emptyFilesHaveNoRecords() throws IOException {
    assertThat(readAll(Golden.file("tfrecord/derived/empty.tfrecord"), ReaderOptions.DEFAULT)).isEmpty();
    Path gz = Golden.file("tfrecord/derived/empty.tfrecord.gz");
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(gz), gz.toString(), ReaderOptions.DEFAULT)) {
      assertThat(r.next()).isNull();
      assertThat(r.compression()).isEqualTo(Compression.GZIP);
    }
  }

  @Test
  void zlibCopyReadsLikeTheOriginal() throws IOException {
    List<byte[]> z = readAll(Golden.file("tfrecord/derived/example.tfrecord.zlib"), ReaderOptions.DEFAULT);
    List<byte[]> o = readAll(Golden.file("tfrecord/torchdata_tf_writer/example.tfrecord"), ReaderOptions.DEFAULT);
    assertThat(z).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(z.get(i)).isEqualTo(o.get(i));
    }
  }

  @Test
  void badDataCrcNamesFileAndOffset() {
    Path p = Golden.file("tfrecord/derived/example.bad_data_crc.tfrecord");
    assertThatThrownBy(() -> readAll(p, ReaderOptions.DEFAULT))
        .isInstanceOf(TfRecordFormatException.class)
        .hasMessageStartingWith("Bad TFRecord " + p + " at byte 124: data CRC mismatch (stored 0x")
        .satisfies(e -> assertThat(((TfRecordFormatException) e).problem())
            .isEqualTo(TfRecordFormatException.Problem.BAD_DATA_CRC));
  }

  @Test
  void badDataCrcIsSkippedAndCountedOnRequest() throws IOException {
    Path p = Golden.file("tfrecord/derived/example.bad_data_crc.tfrecord");
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(p), p.toString(),
        ReaderOptions.DEFAULT.withSkipCorrupt(true))) {
      List<Long> offsets = new ArrayList<>();
      while (r.next() != null) {
        offsets.add(r.lastOffset());
      }
      assertThat(offsets).containsExactly(0L, 255L, 389L);
      assertThat(r.corruptRecords()).isEqualTo(1);
      assertThat(r.lastCorruption()).contains("at byte 124: data CRC mismatch");
    }
  }

  @Test
  void badDataCrcIsNotSeenWithCrcCheckingOff() throws IOException {
    Path p = Golden.file("tfrecord/derived/example.bad_data_crc.tfrecord");
    assertThat(readAll(p, ReaderOptions.DEFAULT.withVerifyCrc(false))).hasSize(4);
  }

  @Test
  void badLengthCrcNamesFileAndOffset() {
    Path p = Golden.file("tfrecord/derived/example.bad_length_crc.tfrecord");
    assertThatThrownBy(() -> readAll(p, ReaderOptions.DEFAULT))
        .isInstanceOf(TfRecordFormatException.class)
        .hasMessageStartingWith("Bad TFRecord " + p + " at byte 255: length CRC mismatch (stored 0x")
        .hasMessageEndingWith("for declared length 118)");
  }

  @Test
  void badLengthCrcEndsTheFileWhenSkipping() throws IOException {
    Path p = Golden.file("tfrecord/derived/example.bad_length_crc.tfrecord");
    try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(p), p.toString(),
        ReaderOptions.DEFAULT.withSkipCorrupt(true))) {
      int n = 0;
      while (r.next() != null) {
        n++;
      }
      assertThat(n).isEqualTo(2);
      assertThat(r.corruptRecords()).isEqualTo(1);
      assertThat(r.lastCorruption()).contains("at byte 255: length CRC mismatch");
    }
  }

  @Test
  void truncatedPayloadNamesFileAndOffset() {
    Path p = Golden.file("tfrecord/derived/example.truncated_mid_data.tfrecord");
    assertThatThrownBy(() -> readAll(p, ReaderOptions.DEFAULT))
        .isInstanceOf(TfRecordFormatException.class)
        .hasMessage("Bad TFRecord " + p + " at byte 389: truncated record: declared payload length 118 needs 134"
            + " bytes with framing, but the file ends 63 bytes early");
  }

  @Test
  void truncatedHeaderNamesFileAndOffset() {
    Path p = Golden.file("tfrecord/derived/example.truncated_mid_length.tfrecord");
    assertThatThrownBy(() -> readAll(p, ReaderOptions.DEFAULT))
        .isInstanceOf(TfRecordFormatException.class)
        .hasMessage("Bad TFRecord " + p + " at byte 389: truncated header: the file ends 5 bytes into the"
            + " 12-byte record header");
  }

  @Test
  void truncatedRecordsAreCountedWhenSkipping() throws IOException {
    for (String name : List.of("example.truncated_mid_data.tfrecord", "example.truncated_mid_length.tfrecord")) {
      Path p = Golden.file("tfrecord/derived/" + name);
      try (TfRecordReader r = TfRecordReader.open(Files.newInputStream(p), p.toString(),
          ReaderOptions.DEFAULT.withSkipCorrupt(true))) {
        int n = 0;
        while (r.next() != null) {
          n++;
        }
        assertThat(n).as(name).isEqualTo(3);
        assertThat(r.corruptRecords()).isEqualTo(1);
      }
    }
  }

  @Test
  void truncatedGzipStreamNamesTheDecompressedOffset() throws IOException {
    Path p = Golden.file("tfrecord/tfx_penguin_gz/Split-eval/data_tfrecord-00000-of-00001.gz");
    byte[] all = Files.readAllBytes(p);
    byte[] cut = java.util.Arrays.copyOf(all, all.length / 2);
    assertThatThrownBy(() -> {
      try (TfRecordReader r = TfRecordReader.open(new ByteArrayInputStream(cut), "cut.gz", ReaderOptions.DEFAULT)) {
        while (r.next() != null) {
          // read on
        }
      }
    }).isInstanceOf(TfRecordFormatException.class)
        .hasMessageMatching("Bad TFRecord cut\\.gz at byte \\d+ of the decompressed stream: damaged GZIP stream: .*");
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void writerReaderRoundTrip(Compression c) throws IOException {
    Random rnd = new Random(42);
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[i == 0 ? 0 : rnd.nextInt(5000)];
      rnd.nextBytes(b);
      payloads.add(b);
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TfRecordWriter w = new TfRecordWriter(bos, c)) {
      for (byte[] b : payloads) {
        w.write(b);
      }
      assertThat(w.records()).isEqualTo(200);
    }
    try (InputStream in = new ByteArrayInputStream(bos.toByteArray());
        TfRecordReader r = TfRecordReader.open(in, "mem", ReaderOptions.DEFAULT)) {
      assertThat(r.compression()).isEqualTo(c);
      for (byte[] b : payloads) {
        assertThat(r.next()).isEqualTo(b);
      }
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void uncompressedFileThatLooksLikeZlibIsNotMistaken() throws IOException {
    // A first length of 0x0178 = 376 starts with 78 01, a valid zlib header.
    byte[] payload = new byte[376];
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TfRecordWriter w = new TfRecordWriter(bos, Compression.NONE)) {
      w.write(payload);
    }
    byte[] b = bos.toByteArray();
    assertThat(b[0] & 0xff).isEqualTo(0x78);
    assertThat(Compression.detect(b, b.length)).isEqualTo(Compression.NONE);
  }

  @Test
  void knownMaskedCrc() {
    // TensorFlow's crc32c_test: Mask(Value("foo")) round trips; the unmasked CRC32C of "123456789" is 0xe3069283.
    byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b);
    assertThat((int) crc.getValue()).isEqualTo(0xe3069283);
    assertThat(MaskedCrc32c.of(b, 0, b.length)).isEqualTo(MaskedCrc32c.mask(0xe3069283));
  }
}
