package io.s3dlio.loader.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.loader.Batch;
import io.s3dlio.loader.BatchIterator;
import io.s3dlio.loader.DType;
import io.s3dlio.loader.DataLoader;
import io.s3dlio.loader.LoaderOptions;
import io.s3dlio.loader.MapDataset;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.SampleException;
import io.s3dlio.loader.Tensor;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPZ/NPY and HDF5 samples equal what numpy and h5py wrote: files and reference values are made
 * at test time by Debian's /usr/bin/python3, and the golden numpy files are checked against the
 * sha256 of their values recorded in testdata/golden/npz/expected.json.
 */
class TestArrayDatasets {
  @TempDir
  static Path dir;

  /**
   * Writes the test files and, for every array, ref-NAME.f8: its values in C order as
   * little-endian float64 (exact for every type used here).
   */
  static final List<String> H5 = List.of("contig/x", "contig/f64", "contig/be", "chunked/x", "chunked/y",
      "chunked/u8", "chunked/i32", "chunked/part");

  static final String MAKE = """
      import numpy as np, h5py
      H5 = %s
      rng = np.random.default_rng(7)
      def ref(name, a):
          np.ascontiguousarray(a).astype('<f8').tofile('ref-' + name + '.f8')
      x = rng.standard_normal((50, 3, 4)).astype(np.float32)
      y = rng.integers(-2**40, 2**40, size=50).astype(np.int64)
      z = rng.integers(0, 256, size=(50, 2)).astype(np.uint8)
      w = rng.standard_normal((50, 2)).astype('>f8')
      h = rng.standard_normal((50, 5)).astype(np.float16)
      np.savez('stored.npz', x=x, y=y, z=z, w=w, h=h)
      np.savez_compressed('compressed.npz', x=x, y=y, z=z, w=w, h=h)
      x2 = rng.standard_normal((30, 3, 4)).astype(np.float32)
      np.savez('stored2.npz', x=x2, y=np.arange(30, dtype=np.int64), z=np.zeros((30, 2), np.uint8),
               w=np.ones((30, 2), '>f8'), h=np.zeros((30, 5), np.float16))
      np.save('fortran.npy', np.asfortranarray(rng.standard_normal((20, 3))))
      np.save('plain.npy', rng.integers(-30000, 30000, size=(40, 5)).astype(np.int16))
      for k, v in dict(x=x, y=y, z=z, w=w, h=h).items():
          ref('npz-' + k, v)
      ref('npz2-x', x2)
      ref('fortran', np.load('fortran.npy'))
      ref('plain', np.load('plain.npy'))
      with h5py.File('data.h5', 'w') as f:
          f.create_dataset('contig/x', data=x)
          f.create_dataset('contig/f64', data=rng.standard_normal(50))
          f.create_dataset('chunked/x', data=x, chunks=(7, 3, 4), compression='gzip', compression_opts=4, shuffle=True)
          f.create_dataset('chunked/y', data=y, chunks=(8,), compression='gzip')
          f.create_dataset('chunked/u8', data=z, chunks=(16, 2), compression='gzip')
          f.create_dataset('chunked/i32', data=rng.integers(-2**31, 2**31, size=(50, 3), dtype=np.int32), chunks=(5, 3))
          f.create_dataset('chunked/part', data=x, chunks=(6, 2, 3), compression='gzip')
          f.create_dataset('contig/be', data=y.astype('>i8'))
      with h5py.File('data.h5', 'r') as f:
          for k in H5:
              ref('h5-' + k.replace('/', '-'), f[k][()])
              print(k, f[k].chunks, f[k].compression)
      """.formatted(H5.stream().map(p -> "'" + p + "'").toList());

  private final StoreRegistry stores = Fixtures.localStores();

  @BeforeAll
  static void make() throws Exception {
    Fixtures.python(dir, MAKE);
  }

  private static ObjectUri file(String name) {
    return Fixtures.local(dir.resolve(name));
  }

  /** Every sample's field equals the reference rows; read one by one and through a shuffled loader. */
  private static void assertRows(MapDataset ds, String field, double[] ref, long firstRow) throws IOException {
    long rows = ds.size();
    int per = -1;
    for (long i = 0; i < rows; i++) {
      Sample s = ds.get(i);
      double[] got = Values.doubles(s.tensor(field));
      per = got.length;
      assertThat(got).as("%s row %d", field, i)
          .containsExactly(Arrays.copyOfRange(ref, (int) ((firstRow + i) * per), (int) ((firstRow + i + 1) * per)));
    }
    int width = per;
    try (DataLoader l = DataLoader.builder(ds).options(LoaderOptions.builder().batchSize(7).shuffle(true).seed(5)
        .numWorkers(3).build()).build(); BatchIterator it = l.iterator()) {
      int seen = 0;
      while (it.hasNext()) {
        Batch b = it.next();
        double[] col = Values.doubles(b.tensor(field));
        for (int r = 0; r < b.size(); r++) {
          long i = b.indices()[r];
          assertThat(Arrays.copyOfRange(col, r * width, (r + 1) * width)).as("%s batch row of %d", field, i)
              .containsExactly(Arrays.copyOfRange(ref, (int) ((firstRow + i) * width), (int) ((firstRow + i + 1) * width)));
          seen++;
        }
      }
      assertThat(seen).isEqualTo(rows);
    }
  }

  @Test
  void npzStoredAndCompressedRowsEqualNumpy() throws IOException {
    for (String f : List.of("stored.npz", "compressed.npz")) {
      NpzDataset ds = NpzDataset.builder(stores).files(List.of(file(f))).arrays("x", "y", "z", "w", "h").build();
      assertThat(ds.size()).isEqualTo(50);
      assertThat(ds.schema().get("x").shape()).containsExactly(3, 4);
      assertThat(ds.schema().get("z").dtype()).isEqualTo(DType.UINT8);
      assertThat(ds.schema().get("w").dtype()).isEqualTo(DType.FLOAT64);
      assertThat(ds.schema().get("h").dtype()).isEqualTo(DType.FLOAT16);
      for (String a : List.of("x", "y", "z", "w", "h")) {
        assertRows(ds, a, Values.readF8(dir.resolve("ref-npz-" + a + ".f8")), 0);
      }
    }
  }

  @Test
  void npzAcrossFilesAndNpyFiles() throws IOException {
    NpzDataset two = NpzDataset.builder(stores).files(List.of(file("stored.npz"), file("stored2.npz"))).arrays("x")
        .build();
    assertThat(two.size()).isEqualTo(80);
    double[] a = Values.readF8(dir.resolve("ref-npz-x.f8"));
    double[] b = Values.readF8(dir.resolve("ref-npz2-x.f8"));
    double[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertRows(two, "x", both, 0);
    for (String f : List.of("fortran", "plain")) {
      NpzDataset ds = NpzDataset.builder(stores).files(List.of(file(f + ".npy"))).arrays("array").build();
      assertRows(ds, "array", Values.readF8(dir.resolve("ref-" + f + ".f8")), 0);
    }
    // coalescing: one stored array, sequential batches of 10 rows: one ranged read per batch
    NpzDataset one = NpzDataset.builder(stores).files(List.of(file("stored.npz"))).arrays("x").build();
    try (DataLoader l = DataLoader.builder(one).options(LoaderOptions.builder().batchSize(10).build()).build();
        BatchIterator it = l.iterator()) {
      it.forEachRemaining(x -> { });
      assertThat(l.metrics().snapshot().requests()).isEqualTo(5);
    }
    assertThatThrownBy(() -> NpzDataset.builder(stores).files(List.of(file("stored.npz"))).arrays("nope").build())
        .hasMessageContaining("Cannot find array 'nope' in " + file("stored.npz"));
  }

  @Test
  void hdf5ChunkedGzipAndContiguousRowsEqualH5py() throws IOException {
    Hdf5Dataset ds = Hdf5Dataset.builder(stores).files(List.of(file("data.h5"))).datasets(H5.toArray(String[]::new))
        .build();
    try {
      assertThat(ds.size()).isEqualTo(50);
      assertThat(ds.schema().get("chunked/x").shape()).containsExactly(3, 4);
      assertThat(ds.schema().get("contig/f64").shape()).isEmpty();
      for (String p : H5) {
        assertRows(ds, p, Values.readF8(dir.resolve("ref-h5-" + p.replace('/', '-') + ".f8")), 0);
      }
    } finally {
      ds.close();
    }
    assertThatThrownBy(() -> Hdf5Dataset.builder(stores).files(List.of(file("data.h5"))).datasets("contig").build())
        .hasMessageContaining("Cannot take rows of contig in " + file("data.h5") + ": it is a GROUP, not a dataset");
    assertThat(ds.schema().get("chunked/u8").dtype()).isEqualTo(DType.UINT8);
  }

  /** The golden numpy files: all rows of an array, concatenated, hash to numpy's recorded sha256. */
  @Test
  void goldenNumpyFilesEqualTheirRecordedValues() throws Exception {
    String listing = Fixtures.python(dir, """
        import json
        f = json.load(open('%s'))['files']
        for k, v in f.items():
            if 'members' in v:
                for m, a in v['members'].items():
                    print(k, m, a.get('sha256_c_le'))
            elif 'array' in v:
                print(k, 'array', v['array'].get('sha256_c_le'))
        """.formatted(Fixtures.golden("npz/expected.json")));
    Map<String, String> sha = new HashMap<>();
    listing.lines().forEach(l -> {
      String[] p = l.split(" ");
      sha.put(p[0] + " " + p[1], p[2]);
    });
    List<String> cases = List.of("generated/large_float32_256x1024.npy array", "generated/bigendian_float64.npy array",
        "generated/fortran_3d_float64.npy array", "generated/float16.npy array", "generated/bool.npy array",
        "generated/bigendian_uint16.npy array", "generated/high_rank_8d.npy array",
        "generated/savez_named.npz a_float32", "generated/savez_named.npz b_int64",
        "generated/savez_named.npz c_bool", "generated/savez_named.npz g_fortran",
        "generated/savez_named.npz h_bigendian", "generated/savez_named.npz j_float16",
        "generated/savez_named.npz k_uint8", "generated/savez_compressed.npz a_float32",
        "generated/savez_compressed.npz b_large", "generated/savez_compressed.npz d_fortran",
        "generated/savez_compressed.npz e_bigendian", "generated/savez_compressed.npz i_bool",
        "real/magenta_coconet_TestData.npz train");
    for (String c : cases) {
      String[] p = c.split(" ");
      ObjectUri u = Fixtures.local(Fixtures.golden("npz/" + p[0]));
      NpzDataset ds = NpzDataset.builder(stores).files(List.of(u)).arrays(p[1]).build();
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (long i = 0; i < ds.size(); i++) {
        md.update(Values.littleEndian(ds.get(i).tensor(p[1])));
      }
      assertThat(HexFormat.of().formatHex(md.digest())).as(c).isEqualTo(sha.get(c));
    }
    ObjectUri named = Fixtures.local(Fixtures.golden("npz/generated/savez_named.npz"));
    assertThatThrownBy(() -> NpzDataset.builder(stores).files(List.of(named)).arrays("i_complex64").build())
        .hasMessageContaining("dtype <c8 (complex64) is not supported by the loader");
    assertThatThrownBy(() -> NpzDataset.builder(stores).files(List.of(named)).arrays("e_scalar").build())
        .hasMessageContaining("it is 0-dimensional");
  }

  @Test
  void truncatedAndCorruptArrayFilesFailNamingTheFileAndOffset() throws IOException {
    byte[] b = Files.readAllBytes(dir.resolve("plain.npy"));
    Path cut = dir.resolve("cut.npy");
    NpzDataset ds;
    Files.write(cut, b);
    ds = NpzDataset.builder(stores).files(List.of(Fixtures.local(cut))).arrays("array").build();
    Files.write(cut, Arrays.copyOf(b, b.length - 25));
    // the object shrank after open: the row read runs past its end
    NpzDataset shrunk = ds;
    assertThatThrownBy(() -> shrunk.get(39)).isInstanceOf(SampleException.class)
        .hasMessageContaining("Cannot read sample 39 from " + Fixtures.local(cut) + " (array 'array', row 39) at byte");
    // truncated before open: refused at open, naming the file
    assertThatThrownBy(() -> NpzDataset.builder(stores).files(List.of(Fixtures.local(cut))).arrays("array").build()
        .get(39)).hasMessageContaining(Fixtures.local(cut).toString());
    Path npz = dir.resolve("bad.npz");
    byte[] z = Files.readAllBytes(dir.resolve("stored.npz"));
    Files.write(npz, Arrays.copyOf(z, z.length / 2));
    assertThatThrownBy(() -> NpzDataset.builder(stores).files(List.of(Fixtures.local(npz))).arrays("x").build())
        .hasMessageContaining("Cannot read " + Fixtures.local(npz) + " at offset")
        .hasMessageContaining("no end-of-central-directory record");
    Path h5 = dir.resolve("bad.h5");
    byte[] h = Files.readAllBytes(dir.resolve("data.h5"));
    Files.write(h5, Arrays.copyOf(h, 1000));
    assertThatThrownBy(() -> Hdf5Dataset.builder(stores).files(List.of(Fixtures.local(h5))).datasets("contig/x")
        .build()).isInstanceOf(IOException.class).hasMessageContaining(Fixtures.local(h5).toString());
  }
}
