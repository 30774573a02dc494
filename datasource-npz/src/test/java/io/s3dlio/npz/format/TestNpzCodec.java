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
}
