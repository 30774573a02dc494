package io.s3dlio.npz.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestNpzCodec {

  @Test
  void zip64DirectoryWithManyMembers() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = 70_000;
    try (NpzWriter w = NpzWriter.stored(out)) {
      for (int i = 0; i < n; i++) {
        w.add("a" + i, new NpyArray(NpyDtype.of('i', 1), new long[] {1}, new byte[] {(byte) i}));
      }
    }
    byte[] zip = out.toByteArray();
    NpzReader r = NpzReader.open(RangeSource.of("many.npz", zip));
    assertThat(r.arrayNames()).hasSize(n);
    assertThat(r.read("a69999").data()).containsExactly((byte) 69999);
    try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      assertThat(z.getNextEntry().getName()).isEqualTo("a0.npy");
    }
  }

  @Test
  void headerVersionsAndPython2Shapes() throws Exception {
    NpyHeader h = NpyHeader.of(NpyDtype.parse("<f8"), new long[] {2, 3}, false);
    for (int v = 1; v <= 3; v++) {
      byte[] b = h.encode(v);
      assertThat(b.length % 64).isZero();
      NpyHeader p = NpyHeader.parse(b, b.length, "v" + v);
      assertThat(p.majorVersion()).isEqualTo(v);
      assertThat(p.shape()).containsExactly(2, 3);
    }
    String py2 = "{'descr': '<i2', 'fortran_order': False, 'shape': (2L, 3L), }  \n";
    byte[] b = new byte[10 + py2.length()];
    System.arraycopy(NpyHeader.MAGIC, 0, b, 0, 6);
    b[6] = 1;
    b[8] = (byte) py2.length();
    System.arraycopy(py2.getBytes(StandardCharsets.ISO_8859_1), 0, b, 10, py2.length());
    assertThat(NpyHeader.parse(b, b.length, "py2").shape()).containsExactly(2, 3);
  }

  /** numpy's own header form is read directly; every text gives what the Python-literal parse gives. */
  @Test
  void numpyHeaderFormMatchesTheLiteralParse() throws Exception {
    String[] numpys = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }",
        "{'descr': '<i8', 'fortran_order': False, 'shape': (4092, 256), }          \n",
        "{'descr': '|b1', 'fortran_order': True, 'shape': (2, 3, 4, 5, 6), }\n",
        "{'descr': '<U7', 'fortran_order': False, 'shape': (), }",
        "{'descr': '>f8', 'fortran_order': False, 'shape': (0,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (999999999999999999,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1), }"};
    for (String t : numpys) {
      NpyHeader fast = NpyHeader.numpyForm(t, 1, 0, 128, "f");
      assertThat(fast).as(t).isNotNull();
      NpyHeader general = NpyHeader.fromLiteral(t, 1, 0, 128, 10, "f");
      assertThat(fast.toString()).as(t).isEqualTo(general.toString());
      assertThat(fast.shape()).as(t).containsExactly(general.shape());
    }
    String[] others = {
        "{'descr': '<i2', 'fortran_order': False, 'shape': (2L, 3L), }",
        "{\"descr\": '<f4', 'fortran_order': False, 'shape': (1,), }",
        "{'fortran_order': False, 'descr': '<f4', 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1 ,), }",
        "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (9999999999999999999,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
        "{'descr': '<q9', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }"};
    for (String t : others) {
      assertThat(NpyHeader.numpyForm(t, 1, 0, 128, "f")).as(t).isNull();
    }
    assertThat(NpyHeader.fromLiteral(others[6], 1, 0, 128, 10, "f").dtype().descr()).isEqualTo("<f4");
    assertThatThrownBy(() -> NpyHeader.fromLiteral(others[7], 1, 0, 128, 10, "f"))
        .hasMessageContaining("is not a size");
  }

  @Test
  void rejectsWithFileAndOffset() {
    byte[] bad = "NOTNUMPY..".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> NpyReader.read(bad, "s3://b/k.npy")).isInstanceOf(NpzFormatException.class)
        .hasMessage("Cannot read s3://b/k.npy at offset 0: not an .npy file (bad magic 4e4f544e554d)");
    byte[] ok = NpyWriter.toBytes(new NpyArray(NpyDtype.of('f', 4), new long[] {4}, new byte[16]));
    assertThatThrownBy(() -> NpyReader.read(Arrays.copyOf(ok, ok.length - 3), "x.npy"))
        .hasMessage("Cannot read x.npy at offset 141: data ends after 13 of 16 bytes (shape [4], dtype <f4)");
    ok[6] = 4;
    assertThatThrownBy(() -> NpyReader.read(ok, "x.npy"))
        .hasMessage("Cannot read x.npy at offset 6: unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
  }

  @Test
  void crcMismatchIsReported() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (NpzWriter w = NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.of('i', 1), new long[] {4}, new byte[] {1, 2, 3, 4}));
    }
    byte[] zip = out.toByteArray();
    zip[30 + 5 + 128] ^= 1; // first data byte of x.npy
    assertThatThrownBy(() -> NpzReader.open(RangeSource.of("c.npz", zip)).read("x"))
        .isInstanceOf(NpzFormatException.class)
        .hasMessageStartingWith("Cannot read c.npz!x.npy at offset 0: CRC-32 mismatch: member has ");
  }

  /** A stored member whose local header carries a 1,000-byte extra field (more than the reader guesses). */
  private static byte[] zipWithLargeLocalExtra(byte[] npy) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
      java.util.zip.ZipEntry e = new java.util.zip.ZipEntry("x.npy");
      e.setMethod(java.util.zip.ZipEntry.STORED);
      e.setSize(npy.length);
      e.setCompressedSize(npy.length);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(npy);
      e.setCrc(crc.getValue());
      byte[] extra = new byte[1000];
      extra[0] = (byte) 0xfe; // header id 0xcafe, then the data size (996), little-endian
      extra[1] = (byte) 0xca;
      extra[2] = (byte) (996 & 0xff);
      extra[3] = (byte) (996 >> 8);
      e.setExtra(extra);
      z.putNextEntry(e);
      z.write(npy);
      z.closeEntry();
    }
    return out.toByteArray();
  }

  @Test
  void aLocalHeaderLargerThanGuessedCostsOneMoreRead() throws Exception {
    byte[] values = new byte[400_000];
    new java.util.Random(3).nextBytes(values);
    NpyArray a = new NpyArray(NpyDtype.of('f', 4), new long[] {1000, 100}, values);
    byte[] zip = zipWithLargeLocalExtra(NpyWriter.toBytes(a));
    NpzReader r = NpzReader.open(RangeSource.of("big-extra.npz", zip));
    long before = r.source().requests();
    NpyArray got = r.read("x");
    assertThat(got.data()).isEqualTo(values);
    assertThat(got.shape()).containsExactly(1000, 100);
    assertThat(r.source().requests() - before).as("the guessed read, then the rest of the member").isEqualTo(2);
    // a second read knows where the data starts: one read of exactly the member
    long again = r.source().requests();
    long bytes = r.source().bytesRead();
    assertThat(r.read("x").data()).isEqualTo(values);
    assertThat(r.source().requests() - again).isEqualTo(1);
    assertThat(r.source().bytesRead() - bytes).isEqualTo(r.entry("x").compressedSize());
  }

  @Test
  void aStoredMemberReadsTheSameWhateverWasReadBefore() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] big = new byte[3 << 20]; // several CRC slices
    new java.util.Random(9).nextBytes(big);
    try (NpzWriter w = NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.parse(">i4"), new long[] {big.length / 4}, big));
      w.add("y", new NpyArray(NpyDtype.of('u', 1), new long[] {0}, new byte[0]));
    }
    byte[] zip = out.toByteArray();
    NpzReader cold = NpzReader.open(RangeSource.of("m.npz", zip));
    NpzReader warm = NpzReader.open(RangeSource.of("m.npz", zip));
    warm.header("x");
    warm.header("y");
    for (NpzReader r : java.util.List.of(cold, warm)) {
      NpyArray x = r.read("x");
      assertThat(x.count()).isEqualTo(big.length / 4);
      // stored big-endian by the writer, swapped back to little-endian in place by the reader
      assertThat(x.data()).isEqualTo(big);
      java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(big).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      assertThat(x.getLong(0)).isEqualTo(le.getInt(0));
      assertThat(x.getLong(x.count() - 1)).isEqualTo(le.getInt(big.length - 4));
      assertThat(r.read("y").count()).isZero();
    }
    // the caller's bytes are left as they were
    byte[] copy = zip.clone();
    NpzReader.open(RangeSource.of("m.npz", copy)).read("x");
    assertThat(copy).isEqualTo(zip);
  }

  @Test
  void aStoredMemberCutShortIsReportedWithFileAndOffset() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (NpzWriter w = NpzWriter.stored(out)) {
      w.add("x", new NpyArray(NpyDtype.of('i', 1), new long[] {100_000}, new byte[100_000]));
    }
    byte[] zip = out.toByteArray();
    NpzReader r = NpzReader.open(RangeSource.of("cut.npz", zip));
    ZipDirectory.Entry e = r.entry("x");
    // a source that claims the full size but whose member bytes end early (the object was replaced)
    RangeSource shortened = new RangeSource("cut.npz", zip.length) {
      @Override
      protected byte[] fetch(long offset, int length) {
        return Arrays.copyOfRange(zip, (int) offset, (int) offset + length);
      }

      @Override
      protected java.io.InputStream stream(long offset, long length) {
        long stop = Math.min(offset + length, e.localHeaderOffset() + 30 + 5 + 20 + 128 + 50_000);
        return new java.io.ByteArrayInputStream(zip, (int) offset, (int) Math.max(0, stop - offset));
      }
    };
    assertThatThrownBy(() -> NpzReader.open(shortened).read("x"))
        .isInstanceOf(NpzFormatException.class)
        .hasMessageContaining("cut.npz")
        .hasMessageContaining("file ends before");
  }
}
