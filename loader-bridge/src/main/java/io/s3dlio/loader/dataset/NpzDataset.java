package io.s3dlio.loader.dataset;

import io.s3dlio.loader.DType;
import io.s3dlio.loader.FetchContext;
import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.Tensor;
import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import io.s3dlio.npz.format.NpyFile;
import io.s3dlio.npz.format.NpyHeader;
import io.s3dlio.npz.format.NpzReader;
import io.s3dlio.npz.format.RangeSource;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples along axis 0 of chosen arrays of .npz and .npy files (the array of an .npy is named
 * {@code "array"}): sample {@code i} holds row {@code i - start(f)} of each chosen array of file
 * {@code f}, as a tensor of the array's dtype and row shape. Files are opened through the
 * datasource-npz codec with ranged reads (an .npz costs one read of its central directory and
 * one per array header). Rows of stored (uncompressed) C-order arrays are fetched by range, a
 * batch's neighbouring rows in one request; a compressed (deflated) or Fortran-order array cannot
 * be read by rows, so it is read whole on first use and kept in a cache of {@code cacheBytes}
 * (least recently used first out). Numeric and bool dtypes only.
 */
public final class NpzDataset extends RowDataset {
  private final ArrayFile[] readers;
  private final List<String> arrays;
  private final ByteLru<String, NpyArray> cache;
  private final String fingerprint;

  private NpzDataset(List<String> arrays, ArrayFile[] readers, long[] rows, List<FieldSpec> specs, Builder b,
      String fingerprint) {
    super(arrays, names(readers), rows, specs, b.coalesceGap, b.maxRequestBytes);
    this.readers = readers;
    this.arrays = arrays;
    this.cache = new ByteLru<>(b.cacheBytes);
    this.fingerprint = fingerprint;
  }

  private static String[] names(ArrayFile[] readers) {
    return Arrays.stream(readers).map(ArrayFile::name).toArray(String[]::new);
  }

  public static Builder builder(StoreRegistry stores) {
    return new Builder(stores);
  }

  @Override
  Tensor readRows(int f, int a, long first, int count, FetchContext ctx) throws IOException {
    ArrayFile file = readers[f];
    String name = arrays.get(a);
    DType dtype = schema().get(name).dtype();
    long[] rowShape = schema().get(name).shape();
    long[] shape = new long[rowShape.length + 1];
    shape[0] = count;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    if (file.canReadRows(name)) {
      long t0 = System.nanoTime();
      NpyArray rows = file.readRows(name, first, count);
      ctx.request(System.nanoTime() - t0, rows.data().length);
      return Tensor.fromLittleEndian(dtype, shape, rows.data(), 0);
    }
    String key = f + "\u0000" + name;
    NpyArray whole = cache.get(key);
    if (whole == null) {
      synchronized (file) {
        whole = cache.get(key);
        if (whole == null) {
          long t0 = System.nanoTime();
          whole = file.read(name);
          ctx.request(System.nanoTime() - t0, whole.data().length);
          cache.put(key, whole, whole.data().length);
        }
      }
    }
    long rowBytes = whole.data().length / Math.max(1, whole.shape()[0]);
    return Tensor.fromLittleEndian(dtype, shape, whole.data(), (int) (first * rowBytes));
  }

  @Override
  long rowOffset(int f, int a, long row) {
    try {
      NpyHeader h = readers[f].header(arrays.get(a));
      long rowBytes = h.dtype().itemSize();
      for (int i = 1; i < h.rank(); i++) {
        rowBytes *= h.dim(i);
      }
      return h.dataOffset() + row * rowBytes;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  static DType dtype(NpyDtype d, String where) {
    switch (d.kind()) {
      case 'b':
        return DType.BOOL;
      case 'i':
        return d.itemSize() == 1 ? DType.INT8 : d.itemSize() == 2 ? DType.INT16 : d.itemSize() == 4 ? DType.INT32
            : DType.INT64;
      case 'u':
        return d.itemSize() == 1 ? DType.UINT8 : d.itemSize() == 2 ? DType.UINT16 : d.itemSize() == 4 ? DType.UINT32
            : DType.UINT64;
      case 'f':
        return d.itemSize() == 2 ? DType.FLOAT16 : d.itemSize() == 4 ? DType.FLOAT32 : DType.FLOAT64;
      default:
        throw new IllegalArgumentException("Cannot load " + where + ": dtype " + d.descr() + " (" + d.name()
            + ") is not supported by the loader (numeric and bool only)");
    }
  }

  /** Builds an {@link NpzDataset}; under a prefix it reads the {@code .npz} and {@code .npy} objects. */
  public static final class Builder extends FilesBuilder<Builder> {
    private List<String> arrayNames;
    private long cacheBytes = 256L << 20;

    private Builder(StoreRegistry stores) {
      super(stores);
    }

    /** The arrays to take rows of (field names); required. For .npy files the name is {@code "array"}. */
    public Builder arrays(String... names) {
      this.arrayNames = List.of(names);
      return this;
    }

    /** Memory for whole compressed or Fortran-order arrays (default 256 MiB). */
    public Builder cacheBytes(long bytes) {
      this.cacheBytes = bytes;
      return this;
    }

    /** Opens every file and reads the headers of the chosen arrays. */
    public NpzDataset build() throws IOException {
      if (arrayNames == null || arrayNames.isEmpty()) {
        throw new IllegalArgumentException("Cannot build an NPZ dataset: name the arrays to read with arrays()");
      }
      List<ObjectStat> stats = objects(n -> n.endsWith(".npz") || n.endsWith(".npy"), "an NPZ dataset");
      ArrayFile[] readers = new ArrayFile[stats.size()];
      long[] rows = new long[stats.size()];
      List<FieldSpec> specs = null;
      Fingerprint fp = new Fingerprint("npz");
      arrayNames.forEach(fp::add);
      for (int f = 0; f < readers.length; f++) {
        ObjectStat s = stats.get(f);
        fp.add(s);
        RangeSource src = RangeSource.of(stores.storeFor(s.uri()), s.uri(), s.size());
        readers[f] = s.uri().name().endsWith(".npy") ? new NpyFile(src) : NpzReader.open(src);
        List<FieldSpec> here = new ArrayList<>();
        long n = -1;
        for (String a : arrayNames) {
          if (!readers[f].arrayNames().contains(a)) {
            throw new IllegalArgumentException("Cannot find array '" + a + "' in " + s.uri() + " (arrays: "
                + readers[f].arrayNames() + ")");
          }
          NpyHeader h = readers[f].header(a);
          if (h.rank() == 0) {
            throw new IllegalArgumentException("Cannot take rows of array '" + a + "' in " + s.uri()
                + ": it is 0-dimensional");
          }
          if (n >= 0 && h.dim(0) != n) {
            throw new IllegalArgumentException("Cannot take rows of " + s.uri() + ": array '" + a + "' has " + h.dim(0)
                + " rows but '" + arrayNames.get(0) + "' has " + n);
          }
          n = h.dim(0);
          here.add(FieldSpec.tensor(a, dtype(h.dtype(), s.uri() + " array '" + a + "'"),
              Arrays.copyOfRange(h.shape(), 1, h.rank())));
        }
        rows[f] = n;
        if (specs == null) {
          specs = here;
        } else {
          for (int a = 0; a < here.size(); a++) {
            checkSameSpec(s.uri().toString(), arrayNames.get(a), specs.get(a), here.get(a), readers[0].name());
          }
        }
      }
      if (specs == null) {
        specs = new ArrayList<>();
        for (String a : arrayNames) {
          specs.add(FieldSpec.tensor(a, DType.FLOAT32));
        }
      }
      return new NpzDataset(arrayNames, readers, rows, specs, this, fp.hex());
    }
  }

  /** A map bounded by the bytes of its values, evicting the least recently used. Thread-safe. */
  static final class ByteLru<K, V> {
    private final long capacity;
    private final LinkedHashMap<K, Object[]> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ByteLru(long capacity) {
      this.capacity = capacity;
    }

    @SuppressWarnings("unchecked")
    synchronized V get(K key) {
      Object[] e = map.get(key);
      return e == null ? null : (V) e[0];
    }

    synchronized void put(K key, V value, long size) {
      Object[] old = map.put(key, new Object[] {value, size});
      if (old != null) {
        bytes -= (Long) old[1];
      }
      bytes += size;
      var it = map.entrySet().iterator();
      while (bytes > capacity && map.size() > 1 && it.hasNext()) {
        var e = it.next();
        if (e.getKey().equals(key)) {
          continue;
        }
        bytes -= (Long) e.getValue()[1];
        it.remove();
      }
    }
  }
}
