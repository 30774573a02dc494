package io.s3dlio.loader.dataset;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.OrderedDataType;
import io.jhdf.exceptions.HdfException;
import io.s3dlio.loader.DType;
import io.s3dlio.loader.FetchContext;
import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.Tensor;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples along axis 0 of chosen datasets of HDF5 files, read with jhdf (pure Java; contiguous
 * and chunked layouts, gzip/deflate, shuffle, LZF and the other filters jhdf knows): sample
 * {@code i} holds row {@code i - start(f)} of each chosen dataset of file {@code f}, as a tensor
 * of the dataset's type and row shape. A batch's neighbouring rows are read with one slice read.
 *
 * <p>Local files ({@code file://}) are memory-mapped by jhdf. Remote objects (s3, az, gs) are
 * read through jhdf's channel API ({@code HdfFile(SeekableByteChannel, URI)}) over a
 * {@link StoreChannel}: range GETs of {@code blockSize} bytes (default 1 MiB), the last
 * {@code cacheBlocks} (default 16) kept per file. The file's metadata (superblock, object
 * headers, B-trees) is read on open and when a chunk index is first walked; a row read then costs
 * the blocks that hold its chunks or its contiguous bytes. Nothing is downloaded whole, and
 * nothing is written to local disk.
 *
 * <p>jhdf objects are not thread-safe, so reads of one file are serialised (reads of different
 * files run in parallel). Integer and float types only, kept as stored (uint8 is
 * {@link DType#UINT8}, big-endian data is swapped). Rows are read at the byte level: contiguous
 * data by one read of the rows' bytes, chunked data by decompressing the chunks that hold the
 * rows (jhdf 0.9.4's own sliced read of chunked data returns zeros past the first chunk).
 */
public final class Hdf5Dataset extends RowDataset implements AutoCloseable {
  private final HdfFile[] hdf;
  private final StoreChannel[] channels;
  private final Dataset[][] datasets;
  private final ByteOrder[][] orders;
  private final String fingerprint;

  private Hdf5Dataset(List<String> paths, String[] names, HdfFile[] hdf, StoreChannel[] channels, Dataset[][] datasets,
      ByteOrder[][] orders, long[] rows, List<FieldSpec> specs, Builder b, String fingerprint) {
    super(paths, names, rows, specs, b.coalesceGap, b.maxRequestBytes);
    this.hdf = hdf;
    this.channels = channels;
    this.datasets = datasets;
    this.orders = orders;
    this.fingerprint = fingerprint;
  }

  public static Builder builder(StoreRegistry stores) {
    return new Builder(stores);
  }

  @Override
  Tensor readRows(int f, int a, long first, int count, FetchContext ctx) throws IOException {
    Dataset d = datasets[f][a];
    FieldSpec spec = schema().get(names().get(a));
    int[] dims = d.getDimensions();
    int item = spec.dtype().itemSize();
    long rowBytes = item * rowElements(dims);
    byte[] bytes;
    synchronized (hdf[f]) {
      if (channels[f] != null) {
        channels[f].context(ctx);
      }
      long t0 = System.nanoTime();
      try {
        if (d instanceof ContiguousDataset c) {
          bytes = new byte[Math.toIntExact(rowBytes * count)];
          hdf[f].getHdfBackingStorage().readBufferFromAddress(c.getDataAddress() + first * rowBytes, bytes.length)
              .get(bytes);
        } else if (d instanceof ChunkedDataset c) {
          bytes = chunkedRows(c, dims, item, first, count);
        } else {
          throw new IOException("Cannot read rows of " + d.getPath() + " in " + files()[f] + ": layout "
              + d.getDataLayout() + " is not supported (contiguous and chunked only)");
        }
      } catch (HdfException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
        throw new IOException("Cannot read rows [" + first + ", " + (first + count) + ") of " + d.getPath() + ": "
            + e.getMessage(), e);
      } finally {
        if (channels[f] == null) {
          ctx.request(System.nanoTime() - t0, 0);
        } else {
          channels[f].context(FetchContext.NONE);
        }
      }
    }
    if (orders[f][a] == ByteOrder.BIG_ENDIAN && item > 1) {
      swap(bytes, item);
    }
    return Tensor.fromLittleEndian(spec.dtype(), rowShapeWith(dims, count), bytes, 0);
  }

  private static long[] rowShapeWith(int[] dims, long rows) {
    long[] s = new long[dims.length];
    s[0] = rows;
    for (int i = 1; i < dims.length; i++) {
      s[i] = dims[i];
    }
    return s;
  }

  private static long rowElements(int[] dims) {
    long n = 1;
    for (int i = 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /**
   * Rows {@code [first, first + count)} of a chunked dataset, assembled from its decompressed
   * chunks (jhdf 0.9.4's own sliced read of chunked data, {@code getData(offset, shape)}, returns
   * zeros past the first chunk, so it is not used). A chunk never written reads as zeros (HDF5's
   * default fill value).
   */
  private static byte[] chunkedRows(ChunkedDataset c, int[] dims, int item, long first, int count) {
    int[] cd = c.getChunkDimensions();
    int rank = dims.length;
    byte[] out = new byte[Math.toIntExact(count * rowElements(dims) * item)];
    int[] grid = new int[rank];
    for (int i = 0; i < rank; i++) {
      grid[i] = (dims[i] + cd[i] - 1) / cd[i];
    }
    long end = first + count;
    int[] origin = new int[rank];
    for (long c0 = first / cd[0] * cd[0]; c0 < end; c0 += cd[0]) {
      origin[0] = (int) c0;
      int[] idx = new int[rank];
      while (true) {
        for (int i = 1; i < rank; i++) {
          origin[i] = idx[i] * cd[i];
        }
        byte[] chunk;
        try {
          chunk = c.getDecompressedChunk(origin.clone());
        } catch (HdfException missing) {
          if (missing.getMessage() == null || !missing.getMessage().startsWith("No chunk with offset")) {
            throw missing;
          }
          chunk = null;
        }
        if (chunk != null) {
          copyChunk(chunk, cd, origin, dims, item, first, end, out);
        }
        int k = rank - 1;
        while (k >= 1 && ++idx[k] == grid[k]) {
          idx[k] = 0;
          k--;
        }
        if (k < 1) {
          break;
        }
      }
    }
    return out;
  }

  /** Copies the part of one chunk (origin {@code origin}) inside rows [first, end) into {@code out}. */
  private static void copyChunk(byte[] chunk, int[] cd, int[] origin, int[] dims, int item, long first, long end,
      byte[] out) {
    int rank = dims.length;
    long lo = Math.max(first, origin[0]);
    long hi = Math.min(end, Math.min(origin[0] + (long) cd[0], dims[0]));
    int[] ext = new int[rank];
    for (int i = 1; i < rank; i++) {
      ext[i] = Math.min(cd[i], dims[i] - origin[i]);
    }
    int run = (rank == 1 ? 1 : ext[rank - 1]) * item;
    int[] pos = new int[rank];
    for (long r = lo; r < hi; r++) {
      java.util.Arrays.fill(pos, 0);
      pos[0] = (int) (r - origin[0]);
      while (true) {
        long src = pos[0];
        long dst = r - first;
        for (int i = 1; i < rank; i++) {
          src = src * cd[i] + pos[i];
          dst = dst * dims[i] + origin[i] + pos[i];
        }
        System.arraycopy(chunk, (int) (src * item), out, (int) (dst * item), run);
        int k = rank - 2;
        while (k >= 1 && ++pos[k] == ext[k]) {
          pos[k] = 0;
          k--;
        }
        if (k < 1) {
          break;
        }
      }
    }
  }

  private static void swap(byte[] b, int unit) {
    for (int i = 0; i + unit <= b.length; i += unit) {
      for (int lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
        byte t = b[lo];
        b[lo] = b[hi];
        b[hi] = t;
      }
    }
  }

  @Override
  long rowOffset(int f, int a, long row) {
    Dataset d = datasets[f][a];
    if (d instanceof ContiguousDataset c) {
      return c.getDataAddress() + row * schema().get(names().get(a)).dtype().itemSize() * rowElements(d.getDimensions());
    }
    return -1;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  /** The loader type of an HDF5 numeric type (unsigned kept unsigned, unlike jhdf's widening). */
  static DType dtype(DataType t, String where) {
    if (t instanceof FixedPoint x) {
      switch (x.getSize()) {
        case 1:
          return x.isSigned() ? DType.INT8 : DType.UINT8;
        case 2:
          return x.isSigned() ? DType.INT16 : DType.UINT16;
        case 4:
          return x.isSigned() ? DType.INT32 : DType.UINT32;
        case 8:
          return x.isSigned() ? DType.INT64 : DType.UINT64;
        default:
          break;
      }
    } else if (t instanceof FloatingPoint x) {
      switch (x.getSize()) {
        case 2:
          return DType.FLOAT16;
        case 4:
          return DType.FLOAT32;
        case 8:
          return DType.FLOAT64;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("Cannot load " + where + ": its type (" + t.getClass().getSimpleName() + ", "
        + t.getSize() + " bytes) is not supported by the loader (integers and floats only)");
  }

  private static ByteOrder order(DataType t) {
    return t instanceof OrderedDataType o ? o.getByteOrder() : ByteOrder.LITTLE_ENDIAN;
  }

  /** Closes the files. */
  @Override
  public void close() {
    for (HdfFile h : hdf) {
      synchronized (h) {
        h.close();
      }
    }
  }

  /** Builds an {@link Hdf5Dataset}; under a prefix it reads the {@code .h5} and {@code .hdf5} objects. */
  public static final class Builder extends FilesBuilder<Builder> {
    private List<String> paths;
    private int blockSize = 1 << 20;
    private int cacheBlocks = 16;

    private Builder(StoreRegistry stores) {
      super(stores);
    }

    /** The datasets to take rows of, by path (e.g. {@code /train/images}); required. Field names are the paths. */
    public Builder datasets(String... p) {
      this.paths = List.of(p);
      return this;
    }

    /** Remote files: bytes per range GET (default 1 MiB). */
    public Builder blockSize(int bytes) {
      if (bytes < 4096) {
        throw new IllegalArgumentException("Cannot use a block size of " + bytes + " bytes (at least 4096)");
      }
      this.blockSize = bytes;
      return this;
    }

    /** Remote files: blocks kept per file (default 16). */
    public Builder cacheBlocks(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Cannot keep " + n + " blocks");
      }
      this.cacheBlocks = n;
      return this;
    }

    /** Opens every file and checks the chosen datasets. */
    public Hdf5Dataset build() throws IOException {
      if (paths == null || paths.isEmpty()) {
        throw new IllegalArgumentException("Cannot build an HDF5 dataset: name the datasets with datasets()");
      }
      List<ObjectStat> stats = objects(n -> n.endsWith(".h5") || n.endsWith(".hdf5"), "an HDF5 dataset");
      int nf = stats.size();
      HdfFile[] hdf = new HdfFile[nf];
      StoreChannel[] channels = new StoreChannel[nf];
      Dataset[][] sets = new Dataset[nf][paths.size()];
      ByteOrder[][] orders = new ByteOrder[nf][paths.size()];
      long[] rows = new long[nf];
      String[] names = new String[nf];
      List<FieldSpec> specs = null;
      Fingerprint fp = new Fingerprint("hdf5");
      paths.forEach(fp::add);
      String current = null;
      try {
        for (int f = 0; f < nf; f++) {
          ObjectStat s = stats.get(f);
          current = s.uri().toString();
          fp.add(s);
          names[f] = s.uri().toString();
          hdf[f] = open(s, channels, f);
          List<FieldSpec> here = new ArrayList<>();
          long n = -1;
          for (int a = 0; a < paths.size(); a++) {
            String p = paths.get(a);
            Node node = hdf[f].getByPath(p);
            if (!(node instanceof Dataset d)) {
              throw new IllegalArgumentException("Cannot take rows of " + p + " in " + s.uri() + ": it is a "
                  + node.getType() + ", not a dataset");
            }
            int[] dims = d.getDimensions();
            if (d.isScalar() || dims.length == 0) {
              throw new IllegalArgumentException("Cannot take rows of " + p + " in " + s.uri() + ": it is a scalar");
            }
            if (d.isCompound() || d.isVariableLength()) {
              throw new IllegalArgumentException("Cannot take rows of " + p + " in " + s.uri()
                  + ": compound and variable-length data are not supported");
            }
            if (n >= 0 && dims[0] != n) {
              throw new IllegalArgumentException("Cannot take rows of " + s.uri() + ": " + p + " has " + dims[0]
                  + " rows but " + paths.get(0) + " has " + n);
            }
            n = dims[0];
            long[] rowShape = new long[dims.length - 1];
            for (int i = 1; i < dims.length; i++) {
              rowShape[i - 1] = dims[i];
            }
            sets[f][a] = d;
            here.add(FieldSpec.tensor(p, dtype(d.getDataType(), s.uri() + " " + p), rowShape));
            orders[f][a] = order(d.getDataType());
          }
          rows[f] = n;
          if (specs == null) {
            specs = here;
          } else {
            for (int a = 0; a < here.size(); a++) {
              checkSameSpec(s.uri().toString(), paths.get(a), specs.get(a), here.get(a), names[0]);
            }
          }
        }
      } catch (HdfException e) {
        closeAll(hdf);
        throw new IOException("Cannot open HDF5 dataset: " + current + ": " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        closeAll(hdf);
        throw e;
      }
      if (specs == null) {
        specs = new ArrayList<>();
        for (String p : paths) {
          specs.add(FieldSpec.tensor(p, DType.FLOAT32));
        }
      }
      return new Hdf5Dataset(paths, names, hdf, channels, sets, orders, rows, specs, this, fp.hex());
    }

    private HdfFile open(ObjectStat s, StoreChannel[] channels, int f) throws IOException {
      ObjectUri u = s.uri();
      try {
        if (u.scheme().isLocal()) {
          return new HdfFile(Path.of(u.key()));
        }
        channels[f] = new StoreChannel(stores.storeFor(u), u, s.size(), blockSize, cacheBlocks);
        return new HdfFile(channels[f], new URI(u.scheme().id(), null, "/" + u.bucket() + "/" + u.key(), null));
      } catch (HdfException e) {
        throw new IOException("Cannot open HDF5 file " + u + ": " + e.getMessage(), e);
      } catch (URISyntaxException e) {
        throw new IOException("Cannot open HDF5 file " + u + ": " + e.getMessage(), e);
      }
    }

    private static void closeAll(HdfFile[] hdf) {
      for (HdfFile h : hdf) {
        if (h != null) {
          h.close();
        }
      }
    }
  }
}
