package io.s3dlio.npz.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The codec over an {@link ObjectStore}: writes through the streaming writer, reads with ranged
 * reads only. Subclassed once per backend ({@link #store()}, {@link #testRoot()}).
 */
public abstract class AbstractNpzStoreTest {

  protected abstract ObjectStore store() throws Exception;

  /** A prefix this test may write under (a new one per test). */
  protected abstract ObjectUri testRoot() throws Exception;

  private RangeSource source(ObjectUri uri) throws Exception {
    return RangeSource.of(store(), uri, store().stat(uri).size());
  }

  @Test
  void roundTripStoredAndDeflated() throws Exception {
    byte[] golden = Files.readAllBytes(TestGoldenFiles.GOLDEN.resolve("generated/savez_named.npz"));
    NpzReader src = NpzReader.open(RangeSource.of("savez_named.npz", golden));
    for (boolean compress : new boolean[] {false, true}) {
      ObjectUri uri = testRoot().child(compress ? "deflated.npz" : "stored.npz");
      ObjectWriter w = store().openWriter(uri);
      try (NpzWriter npz = compress ? NpzWriter.deflated(w, 6) : NpzWriter.stored(w)) {
        for (String n : src.arrayNames()) {
          npz.add(n, src.read(n));
        }
      }
      NpzReader back = NpzReader.open(source(uri));
      assertThat(back.arrayNames()).isEqualTo(src.arrayNames());
      for (String n : src.arrayNames()) {
        NpyArray a = src.read(n);
        NpyArray b = back.read(n);
        assertThat(b.dtype()).isEqualTo(a.dtype().littleEndian());
        assertThat(b.shape()).isEqualTo(a.shape());
        assertThat(b.data()).as(n).isEqualTo(a.data());
        assertThat(back.entry(n).isStored()).isEqualTo(!compress);
      }
    }
  }

  @Test
  void directoryAndMembersByRangedReads() throws Exception {
    byte[] golden = Files.readAllBytes(TestGoldenFiles.GOLDEN.resolve("generated/savez_many_300_arrays.npz"));
    ObjectUri uri = testRoot().child("many.npz");
    store().put(uri, golden);
    RangeSource s = source(uri);
    NpzReader npz = NpzReader.open(s);
    assertThat(npz.arrayNames()).hasSize(300);
    assertThat(s.requests()).as("one tail read holds EOCD and central directory").isEqualTo(1);
    long afterOpen = s.bytesRead();
    String name = npz.arrayNames().get(150);
    NpyArray a = npz.read(name);
    assertThat(s.requests()).as("one ranged read per stored member").isEqualTo(2);
    assertThat(s.bytesRead() - afterOpen).isLessThan(npz.entry(name).compressedSize() + 30 + 200);
    NpyArray whole = NpzReader.open(RangeSource.of("mem", golden)).read(name);
    assertThat(a.data()).isEqualTo(whole.data());
  }

  @Test
  void truncatedArchiveNamesFileAndOffset() throws Exception {
    byte[] golden = Files.readAllBytes(TestGoldenFiles.GOLDEN.resolve("generated/savez_named.npz"));
    ObjectUri uri = testRoot().child("cut.npz");
    store().put(uri, Arrays.copyOf(golden, golden.length - 30));
    assertThatThrownBy(() -> NpzReader.open(source(uri))).isInstanceOf(NpzFormatException.class)
        .hasMessage("Cannot read " + uri + " at offset " + (golden.length - 30)
            + ": no end-of-central-directory record: not a zip (.npz) file or truncated");
  }
}
